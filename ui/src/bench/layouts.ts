// The layout benchmark's page (layout-bench.html, not part of the app):
// draws a week of N calendars shaped like ghl-sandbox's large seed (40
// citas a day each, 08:00-18:00, 15 to 45 minutes) in one candidate layout
// with the app's own cita boxes, and reports how long EventCalendar (or,
// for "team", the app's own team week) took from mount to the frame after
// its layout. The benchmark reads
// `window.layoutBench` through WebDriver.

import { mount, tick, unmount } from "svelte";
import { Calendar, ResourceTimeGrid, ResourceTimeline } from "@event-calendar/core";
import "../app.css";
import "../lib/calendar-theme.css";
import type { CalendarColumn } from "../bindings/CalendarColumn";
import type { CitaView } from "../bindings/CitaView";
import { reminderWords } from "../lib/reminders";
import { translator } from "../lib/i18n";
import { citaEventHtml, citasToEvents, columnToResource, eventProps, DAY_END, DAY_START } from "../lib/calendar";
import { slotHeight } from "../lib/view";
import TeamBench from "./TeamBench.svelte";
import { I18n } from "../lib/i18n.svelte";

const i18n = new I18n(() => "es-PE");

export type Layout = "calendars-outer" | "days-outer" | "timeline" | "one-calendar" | "team";

const MONDAY = "2026-11-23";

function seedWeek(calendars: number): { columns: CalendarColumn[]; citas: CitaView[] } {
  const columns: CalendarColumn[] = Array.from({ length: calendars }, (_, i) => ({
    id: `cal-${i}`,
    name: `Consultorio ${i + 1}`,
    practitioner: `Dra. Paz ${i + 1}`,
    isActive: true,
    color: ["#0ea5e9", "#22c55e", "#f97316", "#a855f7", "#ef4444"][i % 5] ?? "#0ea5e9",
  }));
  const citas: CitaView[] = [];
  const pad = (n: number) => String(n).padStart(2, "0");
  for (const c of columns) {
    for (let d = 0; d < 7; d++) {
      const day = `2026-11-${pad(23 + d)}`;
      for (let k = 0; k < 40; k++) {
        // 40 citas spread over 10 hours: some overlap, as in the large seed.
        const start = 8 * 60 + Math.floor((k * 600) / 40);
        const len = 15 * (1 + (k % 3));
        const hhmm = (m: number) => `${pad(Math.floor(m / 60))}:${pad(m % 60)}`;
        citas.push({
          id: `${c.id}-${d}-${k}`,
          calendarId: c.id,
          contactId: `p-${k}`,
          patientName: `Paciente ${k} Quispe`,
          title: k % 2 ? "Sesión de fisioterapia" : "Control",
          status: k % 7 ? "confirmed" : "new",
          startLocal: `${day}T${hhmm(start)}:00`,
          endLocal: `${day}T${hhmm(start + len)}:00`,
          startUtc: "",
          endUtc: "",
          syncState: "synced",
          reminder: k % 4 ? "sent" : "confirmed_by_patient",
        });
      }
    }
  }
  return { columns, citas };
}

function optionsFor(layout: Layout, columns: CalendarColumn[], citas: CitaView[]): Calendar.Options {
  const text = { locale: "es-PE" as const, untitled: "(sin título)", pendingPush: "No enviada a GHL", reminders: reminderWords(translator("es-PE")) };
  const shown = layout === "one-calendar" ? columns.slice(0, 1) : columns;
  const ids = new Set(shown.map((c) => c.id));
  return {
    view: layout === "timeline" ? "resourceTimelineWeek" : "resourceTimeGridWeek",
    date: MONDAY,
    timeZone: "UTC",
    firstDay: 1,
    allDaySlot: false,
    headerToolbar: { start: "", center: "", end: "" },
    datesAboveResources: layout === "days-outer",
    resources: shown.map(columnToResource),
    events: citasToEvents(
      citas.filter((c) => ids.has(c.calendarId)),
      shown,
    ),
    eventContent: (info: Calendar.EventContentInfo) => {
      const p = eventProps(info.event.extendedProps);
      return p ? { html: citaEventHtml(p, text) } : "";
    },
    slotMinTime: DAY_START,
    slotMaxTime: DAY_END,
    slotDuration: "00:30",
    slotHeight: slotHeight("normal"),
    columnWidth: "minmax(5.5rem, 1fr)",
    height: "100%",
  };
}

const frame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));

/** Mounts the layout, waits for the frame after its layout; ms, and what is drawn. */
async function draw(layout: Layout, calendars: number) {
  const target = document.getElementById("root");
  if (!target) throw new Error("missing #root");
  const { columns, citas } = seedWeek(calendars);
  const options = layout === "team" ? null : optionsFor(layout, columns, citas);
  const t0 = performance.now();
  const app = options
    ? mount(Calendar, { target, props: { plugins: [ResourceTimeGrid, ResourceTimeline], options } })
    : mount(TeamBench, { target, props: { i18n, weekStart: MONDAY, today: MONDAY, calendars: columns, citas, oncitaclick: () => undefined } });
  // The team week is drawn once its host is mounted (TeamBench.svelte).
  if (!options) await tick();
  // Layout is forced here, then the next two frames are painted.
  void target.offsetHeight;
  await frame();
  await frame();
  const ms = performance.now() - t0;
  const drawn = {
    ms,
    boxes: target.querySelectorAll(".cita-content, .team-cita").length,
    columns: target.querySelectorAll(".ec-day, .ec-days > *").length,
    width: target.querySelector<HTMLElement>(".ec-main, .ec-body, .team-week")?.scrollWidth ?? 0,
  };
  await unmount(app);
  return drawn;
}

declare global {
  interface Window {
    layoutBench: typeof draw;
  }
}
window.layoutBench = draw;
