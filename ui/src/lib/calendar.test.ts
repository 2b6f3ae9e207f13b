import { describe, expect, it } from "vitest";
import type { CalendarColumn } from "../bindings/CalendarColumn";
import type { CitaView } from "../bindings/CitaView";
import {
  citaEventHtml,
  citaLabel,
  citasToEvents,
  citaTooltip,
  citaToEvent,
  columnsById,
  columnToResource,
  escapeHtml,
  eventProps,
  FALLBACK_COLOR,
  resourcesNearViewport,
  safeColor,
  sortCitas,
  tint,
  titleBesidePatient,
} from "./calendar";
import { translator } from "./i18n";
import { reminderWords } from "./reminders";

const columns: CalendarColumn[] = [
  { id: "cal-a", name: "Odontología", practitioner: "Dra. Rojas", isActive: true, color: "#0EA5E9" },
  { id: "cal-b", name: "Pediatría", practitioner: null, isActive: true, color: "#22c55e" },
];

function cita(overrides: Partial<CitaView> = {}): CitaView {
  return {
    id: "apt-1",
    calendarId: "cal-a",
    contactId: "c-1",
    patientName: "María Quispe",
    title: "Limpieza - María Quispe",
    status: "confirmed",
    startLocal: "2026-11-23T09:00:00",
    endLocal: "2026-11-23T09:30:00",
    startUtc: "2026-11-23T14:00:00Z",
    endUtc: "2026-11-23T14:30:00Z",
    syncState: "synced",
    reminder: null,
    ...overrides,
  };
}

describe("citaToEvent", () => {
  const byId = columnsById(columns);

  it("passes the location's wall-clock times through unchanged, never the UTC ones", () => {
    const e = citaToEvent(cita(), byId);
    expect(e.start).toBe("2026-11-23T09:00:00");
    expect(e.end).toBe("2026-11-23T09:30:00");
    expect(String(e.start)).not.toMatch(/Z|[+-]\d{2}:\d{2}$/);
  });

  it("keeps a time that does not exist in some zones (DST gap) as written", () => {
    const e = citaToEvent(cita({ startLocal: "2026-03-08T02:30:00", endLocal: "2026-03-08T03:00:00" }), byId);
    expect(e.start).toBe("2026-03-08T02:30:00");
    expect(eventProps(e.extendedProps!)?.timeText).toBe("02:30 - 03:00");
  });

  it("puts the cita in its calendar's column", () => {
    const e = citaToEvent(cita({ calendarId: "cal-b" }), byId);
    expect(e.resourceIds).toEqual(["cal-b"]);
    expect(e.id).toBe("apt-1");
  });

  it("colours the cita after its calendar", () => {
    const a = citaToEvent(cita(), byId);
    const b = citaToEvent(cita({ calendarId: "cal-b" }), byId);
    expect(eventProps(a.extendedProps!)?.color).toBe("#0ea5e9");
    expect(eventProps(b.extendedProps!)?.color).toBe("#22c55e");
    expect(a.styles).toEqual(["--cita-color:#0ea5e9"]);
    expect(a.backgroundColor).toBe(tint("#0ea5e9", 0.8));
    expect(a.backgroundColor).not.toBe(b.backgroundColor);
  });

  it("uses a neutral colour for an unknown calendar or an odd colour value", () => {
    const e = citaToEvent(cita({ calendarId: "nope" }), byId);
    expect(eventProps(e.extendedProps!)?.color).toBe(FALLBACK_COLOR);
    expect(safeColor("red; background:url(x)")).toBe(FALLBACK_COLOR);
    expect(safeColor("#abc")).toBe("#abc");
  });

  it("flags citas not yet accepted by GHL", () => {
    const pending = citaToEvent(cita({ syncState: "pending_push" }), byId);
    const synced = citaToEvent(cita(), byId);
    expect(eventProps(pending.extendedProps!)?.pendingPush).toBe(true);
    expect(pending.classNames).toContain("cita-pending-push");
    expect(eventProps(synced.extendedProps!)?.pendingPush).toBe(false);
    expect(synced.classNames).not.toContain("cita-pending-push");
  });

  it("marks cancelled citas so they are drawn struck through", () => {
    const e = citaToEvent(cita({ status: "cancelled" }), byId);
    expect(e.classNames).toContain("cita-cancelled");
    expect(eventProps(e.extendedProps!)?.cancelled).toBe(true);
    expect(citaToEvent(cita(), byId).classNames).not.toContain("cita-cancelled");
  });

  it("keeps an unknown status value and styles it neutrally", () => {
    const e = citaToEvent(cita({ status: "rescheduled" }), byId);
    expect(eventProps(e.extendedProps!)?.status).toBe("rescheduled");
    expect(e.classNames).toContain("cita-status-other");
  });

  it("carries the hooks the view needs", () => {
    const p = eventProps(citaToEvent(cita(), byId).extendedProps!);
    expect(p).toMatchObject({
      citaId: "apt-1",
      calendarId: "cal-a",
      status: "confirmed",
      title: "Limpieza - María Quispe",
      patientName: "María Quispe",
      timeText: "09:00 - 09:30",
    });
  });
});

describe("citasToEvents and resources", () => {
  it("maps every cita, none dropped", () => {
    const citas = [cita(), cita({ id: "apt-2", status: "weird" }), cita({ id: "apt-3", calendarId: "gone" })];
    expect(citasToEvents(citas, columns).map((e) => e.id)).toEqual(["apt-1", "apt-2", "apt-3"]);
  });

  it("makes one resource per calendar with its practitioner", () => {
    const r = columnToResource(columns[0]!);
    expect(r.id).toBe("cal-a");
    expect(r.title).toBe("Odontología");
    expect(r.extendedProps).toMatchObject({ practitioner: "Dra. Rojas", color: "#0ea5e9" });
  });

  it("eventProps rejects foreign events", () => {
    expect(eventProps({})).toBeNull();
  });
});

describe("tint", () => {
  it("mixes with white", () => {
    expect(tint("#000000", 0.5)).toBe("#808080");
    expect(tint("#0f766e", 0)).toBe("#0f766e");
    expect(tint("#0f766e", 1)).toBe("#ffffff");
  });
});

describe("sortCitas", () => {
  it("orders by start then end then title without mutating the input", () => {
    const input = [
      cita({ id: "c", startLocal: "2026-11-23T10:00:00", endLocal: "2026-11-23T10:30:00" }),
      cita({ id: "b", startLocal: "2026-11-23T09:00:00", endLocal: "2026-11-23T10:00:00" }),
      cita({ id: "a", startLocal: "2026-11-23T09:00:00", endLocal: "2026-11-23T09:30:00" }),
    ];
    expect(sortCitas(input).map((c) => c.id)).toEqual(["a", "b", "c"]);
    expect(input.map((c) => c.id)).toEqual(["c", "b", "a"]);
  });
});

describe("citaEventHtml", () => {
  const byId = columnsById(columns);
  const text = {
    locale: "es-PE" as const,
    untitled: "(sin título)",
    pendingPush: "No enviada a GHL",
    reminders: reminderWords(translator("es-PE")),
  };
  const html = (overrides: Partial<CitaView> = {}) => {
    const p = eventProps(citaToEvent(cita(overrides), byId).extendedProps ?? {});
    if (!p) throw new Error("no props");
    return citaEventHtml(p, text);
  };

  it("carries the test hooks, the time range, the patient and the title", () => {
    const out = html({ title: "Limpieza" });
    expect(out).toContain('data-cita-id="apt-1"');
    expect(out).toContain('data-calendar-id="cal-a"');
    expect(out).toContain('data-status="confirmed"');
    expect(out).toContain('data-sync-state="synced"');
    expect(out).toContain(">09:00 - 09:30<");
    expect(out).toContain('<span class="cita-patient">María Quispe</span>');
    expect(out).toContain('<span class="cita-title">Limpieza</span>');
    expect(out).toContain("confirmada");
    expect(out).not.toContain("pending-mark");
  });

  it("reads patient, title, status mark, time, in that order", () => {
    const out = html({ title: "Sesión de fisioterapia" });
    const at = (needle: string) => out.indexOf(needle);
    expect(at("María Quispe")).toBeGreaterThan(0);
    expect(at("María Quispe")).toBeLessThan(at(">Sesión de fisioterapia<"));
    expect(at(">Sesión de fisioterapia<")).toBeLessThan(at("cita-status-mark"));
    expect(at("cita-status-mark")).toBeLessThan(at(">09:00 - 09:30<"));
  });

  it("draws a first-screen box with the patient's name and the whole tooltip, and no hooks of a whole box", () => {
    const [event] = citasToEvents([cita()], columns, true);
    const p = eventProps(event?.extendedProps ?? {});
    if (!p) throw new Error("no props");
    const out = citaEventHtml(p, text);
    expect(out).toContain('<span class="cita-patient">María Quispe</span>');
    expect(out).toContain("data-name-only");
    expect(out).toContain('title="María Quispe · Limpieza - María Quispe · confirmada · 09:00 - 09:30"');
    for (const part of ["data-cita-id", "cita-title", "cita-status-mark", "09:00 - 09:30<"]) expect(out).not.toContain(part);
    expect(citasToEvents([cita()], columns).map((e) => e.extendedProps?.nameOnly)).toEqual([undefined]);
    expect(html()).not.toContain("data-name-only");
  });

  it("keeps the full detail, title whole, in the tooltip", () => {
    expect(html()).toContain('title="María Quispe · Limpieza - María Quispe · confirmada · 09:00 - 09:30"');
  });

  it("escapes everything that comes from GHL", () => {
    const out = html({ id: 'x"><img src=x>', title: "<b>Tom & \"Jerry\"</b>", patientName: "O'Neil", status: "a<b" });
    expect(out).not.toContain("<img");
    expect(out).not.toContain("<b>");
    expect(out).toContain("&lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt;");
    expect(out).toContain("O&#39;Neil");
    expect(out).toContain('data-status="a&lt;b"');
  });

  it("marks a cita not yet sent to GHL and names an untitled one", () => {
    const out = html({ syncState: "pending_push", title: "", patientName: null });
    expect(out).toContain('data-sync-state="pending_push"');
    expect(out).toContain("pending-mark");
    expect(out).toContain('data-testid="pending-badge"');
    expect(out).toContain("(sin título)");
    expect(out).toContain("No enviada a GHL");
  });

  it("marks the reminder's state with its words as label, between the status and the time", () => {
    const out = html({ reminder: "confirmed_by_patient" });
    expect(out).toContain('data-reminder="confirmed_by_patient"');
    expect(out).toContain('role="img" aria-label="Confirmada por el paciente"');
    expect(out).toContain("✔</span>");
    expect(out.indexOf("cita-status-mark")).toBeLessThan(out.indexOf("reminder-mark"));
    expect(out.indexOf("reminder-mark")).toBeLessThan(out.indexOf(">09:00 - 09:30<"));
    expect(out).toContain('title="María Quispe · Limpieza - María Quispe · confirmada · Confirmada por el paciente · 09:00 - 09:30"');
    for (const [state, glyph] of [
      ["scheduled", "◷"],
      ["sent", "✉"],
      ["failed", "!"],
      ["reschedule_requested", "↻"],
      ["cancelled_by_patient", "✖"],
    ] as const) {
      expect(html({ reminder: state })).toContain(`data-reminder="${state}" role="img"`);
      expect(html({ reminder: state })).toContain(`>${glyph}</span>`);
    }
  });

  it("marks no reminder when none was planned or it was withdrawn", () => {
    expect(html()).not.toContain("reminder-mark");
    expect(html({ reminder: "withdrawn" })).not.toContain("reminder-mark");
  });

  it("does not repeat the patient's name the title already holds", () => {
    const out = html();
    expect(out).toContain('<span class="cita-patient">María Quispe</span><span class="cita-title">Limpieza</span>');
    expect(html({ title: "María Quispe" })).not.toContain("cita-title");
  });
});

describe("citaLabel and the title beside the patient", () => {
  const byId = columnsById(columns);
  const text = { locale: "en" as const, untitled: "(untitled)", pendingPush: "Not sent to GHL", reminders: reminderWords(translator("en")) };
  const props = (overrides: Partial<CitaView> = {}) => {
    const p = eventProps(citaToEvent(cita(overrides), byId).extendedProps ?? {});
    if (!p) throw new Error("no props");
    return p;
  };

  it("takes the patient's name and its separators out of the title, any case", () => {
    expect(titleBesidePatient("Limpieza - María Quispe", "María Quispe")).toBe("Limpieza");
    expect(titleBesidePatient("MARÍA QUISPE: control", "María Quispe")).toBe("control");
    expect(titleBesidePatient("Control (María Quispe) 2ª vez", "María Quispe")).toBe("Control 2ª vez");
    expect(titleBesidePatient("María Quispe", "María Quispe")).toBeNull();
    expect(titleBesidePatient("  Control  ", null)).toBe("Control");
    expect(titleBesidePatient("", "Ana")).toBeNull();
  });

  it("puts the patient first, then what is left of the title", () => {
    const l = citaLabel(props(), text);
    expect([l.first, l.second, l.statusText, l.time]).toEqual(["María Quispe", "Limpieza", "confirmed", "09:00 - 09:30"]);
  });

  it("without a patient: the title first; without either: untitled", () => {
    expect(citaLabel(props({ patientName: null, title: "Bloqueo" }), text)).toMatchObject({ first: "Bloqueo", second: null });
    expect(citaLabel(props({ patientName: "  ", title: "" }), text)).toMatchObject({ first: "(untitled)", second: null });
  });

  it("names the reminder's state in English in the accessible label", () => {
    expect(citaTooltip(props({ reminder: "reschedule_requested", title: "Control" }), text)).toBe(
      "María Quispe · Control · confirmed · The patient asked to reschedule · 09:00 - 09:30",
    );
  });

  it("spells out the status and a cita not yet sent in the tooltip", () => {
    expect(citaTooltip(props({ status: "noshow", syncState: "pending_push", title: "Control" }), text)).toBe(
      "María Quispe · Control · no-show · 09:00 - 09:30 · Not sent to GHL",
    );
  });
});

describe("escapeHtml", () => {
  it("escapes the five HTML specials", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });
});

describe("resourcesNearViewport", () => {
  // 20 calendars of 120 px; 800 px of them visible (about 6.7 calendars).
  const g = { count: 20, scrollLeft: 0, viewportWidth: 800, contentWidth: 2400 };

  it("at the start: the visible calendars and one more on the right", () => {
    expect(resourcesNearViewport(g)).toEqual({ first: 0, last: 7 });
    expect(resourcesNearViewport(g, 0)).toEqual({ first: 0, last: 6 });
  });

  it("in the middle: one more on each side", () => {
    // 600..1400 px: calendars 5 (from 600) to 11 (up to 1440).
    expect(resourcesNearViewport({ ...g, scrollLeft: 600 }, 0)).toEqual({ first: 5, last: 11 });
    expect(resourcesNearViewport({ ...g, scrollLeft: 610 })).toEqual({ first: 4, last: 12 });
  });

  it("a column starting exactly at the right edge is not visible", () => {
    expect(resourcesNearViewport({ ...g, viewportWidth: 720 }, 0)).toEqual({ first: 0, last: 5 });
  });

  it("scrolled to the end, and past it (elastic scrolling)", () => {
    expect(resourcesNearViewport({ ...g, scrollLeft: 1600 })).toEqual({ first: 12, last: 19 });
    expect(resourcesNearViewport({ ...g, scrollLeft: 5000 })).toEqual({ first: 19, last: 19 });
    expect(resourcesNearViewport({ ...g, scrollLeft: -30 })).toEqual({ first: 0, last: 7 });
  });

  it("every calendar when they all fit, or with one calendar", () => {
    expect(resourcesNearViewport({ ...g, viewportWidth: 2400 })).toEqual({ first: 0, last: 19 });
    expect(resourcesNearViewport({ ...g, viewportWidth: 3000 })).toEqual({ first: 0, last: 19 });
    expect(resourcesNearViewport({ count: 1, scrollLeft: 0, viewportWidth: 300, contentWidth: 900 })).toEqual({
      first: 0,
      last: 0,
    });
  });

  it("every calendar before the first layout (zero sizes) or on nonsense", () => {
    expect(resourcesNearViewport({ ...g, viewportWidth: 0, contentWidth: 0 })).toEqual({ first: 0, last: 19 });
    expect(resourcesNearViewport({ ...g, viewportWidth: 0 })).toEqual({ first: 0, last: 19 });
    expect(resourcesNearViewport({ ...g, contentWidth: 0 })).toEqual({ first: 0, last: 19 });
    expect(resourcesNearViewport({ ...g, scrollLeft: NaN })).toEqual({ first: 0, last: 19 });
  });

  it("no calendars: an empty range", () => {
    const r = resourcesNearViewport({ count: 0, scrollLeft: 0, viewportWidth: 800, contentWidth: 0 });
    expect(r.last).toBeLessThan(r.first);
  });
});
