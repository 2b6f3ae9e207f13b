// Maps the core's week view onto EventCalendar's inputs. Times are handed
// over exactly as the core wrote them (wall clock in the location's zone,
// no offset), which EventCalendar shows as floating times.

import type { Calendar } from "@event-calendar/core";
import type { CalendarColumn } from "../bindings/CalendarColumn";
import type { CitaView } from "../bindings/CitaView";
import { isCancelledStatus, statusLabel, statusTone } from "./status";
import type { Locale } from "../bindings/Locale";
import { timeRange } from "./dates";
import type { ReminderState } from "../bindings/ReminderState";
import { reminderMark, reminderWords } from "./reminders";
import type { Translator } from "./i18n";

export const FALLBACK_COLOR = "#64748b";
const HEX_COLOR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;

/** The calendar's colour when it is a plain hex colour, else a neutral grey. */
export function safeColor(color: string | null | undefined): string {
  return color && HEX_COLOR.test(color.trim()) ? color.trim().toLowerCase() : FALLBACK_COLOR;
}

function expandHex(color: string): [number, number, number] {
  let hex = color.slice(1);
  if (hex.length === 3) hex = hex.replace(/./g, (c) => c + c);
  return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
}

/** `color` mixed with white; `amount` 0 = the colour, 1 = white. */
export function tint(color: string, amount: number): string {
  const rgb = expandHex(safeColor(color));
  const mixed = rgb.map((c) => Math.round(c + (255 - c) * amount));
  return `#${mixed.map((c) => c.toString(16).padStart(2, "0")).join("")}`;
}

/** What a rendered cita needs besides EventCalendar's own fields. */
export interface CitaEventProps {
  citaId: string;
  calendarId: string;
  status: string;
  title: string;
  patientName: string | null;
  /** Wall-clock start and end exactly as the core sent them. */
  startLocal: string;
  endLocal: string;
  timeText: string;
  pendingPush: boolean;
  cancelled: boolean;
  color: string;
  /** The reminder's state for this start, as the week view brought it. */
  reminder: ReminderState | null;
  /** Drawn with the patient's name alone: the first screen at start-up (see `citaEventHtml`). */
  nameOnly?: boolean;
}

export const EVENT_TEXT_COLOR = "#1f2933";

/** What a cita box (the grid's or the team week's) reads, in the calendar's colour. */
export function citaProps(cita: CitaView, calendarColor: string | null | undefined): CitaEventProps {
  return {
    citaId: cita.id,
    calendarId: cita.calendarId,
    status: cita.status,
    title: cita.title,
    patientName: cita.patientName,
    startLocal: cita.startLocal,
    endLocal: cita.endLocal,
    timeText: timeRange(cita.startLocal, cita.endLocal),
    pendingPush: cita.syncState === "pending_push",
    cancelled: isCancelledStatus(cita.status),
    color: safeColor(calendarColor),
    reminder: cita.reminder ?? null,
  };
}

/** The box's classes: status tone, cancelled, not yet sent. */
export function citaClassNames(p: CitaEventProps): string[] {
  const classNames = ["cita", `cita-status-${statusTone(p.status)}`];
  if (p.cancelled) classNames.push("cita-cancelled");
  if (p.pendingPush) classNames.push("cita-pending-push");
  return classNames;
}

export function citaToEvent(
  cita: CitaView,
  columns: ReadonlyMap<string, CalendarColumn>,
  nameOnly = false,
): Calendar.EventInput {
  const extendedProps: CitaEventProps = citaProps(cita, columns.get(cita.calendarId)?.color);
  if (nameOnly) extendedProps.nameOnly = true;
  const { color, cancelled } = extendedProps;
  const classNames = citaClassNames(extendedProps);
  return {
    id: cita.id,
    resourceIds: [cita.calendarId],
    start: cita.startLocal,
    end: cita.endLocal,
    title: cita.title,
    backgroundColor: cancelled ? "#f4f5f7" : tint(color, 0.8),
    textColor: EVENT_TEXT_COLOR,
    classNames,
    // A cancelled cita keeps its place on screen but cannot be dragged.
    editable: !cancelled,
    styles: [`--cita-color:${color}`],
    extendedProps: { ...extendedProps },
  };
}

export function columnsById(columns: readonly CalendarColumn[]): Map<string, CalendarColumn> {
  return new Map(columns.map((c) => [c.id, c]));
}

/** `nameOnly`: boxes drawn with the patient's name alone (start-up's first screen). */
export function citasToEvents(
  citas: readonly CitaView[],
  columns: readonly CalendarColumn[],
  nameOnly = false,
): Calendar.EventInput[] {
  const byId = columnsById(columns);
  return citas.map((c) => citaToEvent(c, byId, nameOnly));
}

export function columnToResource(column: CalendarColumn): Calendar.ResourceInput {
  return {
    id: column.id,
    title: column.name,
    extendedProps: {
      name: column.name,
      practitioner: column.practitioner,
      color: safeColor(column.color),
      isActive: column.isActive,
    },
  };
}

/** Reads back the props set by `citaToEvent` (EventCalendar types them loosely). */
export function eventProps(extendedProps: Record<string, unknown>): CitaEventProps | null {
  const p = extendedProps as Partial<CitaEventProps>;
  return typeof p.citaId === "string" && typeof p.calendarId === "string" ? (p as CitaEventProps) : null;
}

/** Citas in display order: by start, then end, then title. */
export function sortCitas(citas: readonly CitaView[]): CitaView[] {
  return [...citas].sort(
    (a, b) =>
      a.startLocal.localeCompare(b.startLocal) ||
      a.endLocal.localeCompare(b.endLocal) ||
      a.title.localeCompare(b.title),
  );
}

/** Default visible hours of the grid; widened by EventCalendar when a cita falls outside. */
export const DAY_START = "07:00";
export const DAY_END = "21:00";

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Text made safe for HTML content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** Words a cita box needs in the current language. */
export interface CitaText {
  locale: Locale;
  untitled: string;
  pendingPush: string;
  /** Each reminder state in words (the mark's label). */
  reminders: Readonly<Record<ReminderState, string>>;
}

/** The words of a cita box in the current language. */
export function citaWords(locale: Locale, t: Translator): CitaText {
  return { locale, untitled: t("cita.untitled"), pendingPush: t("cita.pendingPush"), reminders: reminderWords(t) };
}

/**
 * The reminder state a cita box marks: none when no reminder was planned or
 * it was withdrawn (moved or cancelled here: the box says so already).
 */
export function shownReminder(p: CitaEventProps): ReminderState | null {
  return p.reminder && p.reminder !== "withdrawn" ? p.reminder : null;
}

/**
 * The title as the box shows it, below the patient's name: GHL titles often
 * repeat the name ("Limpieza - María Quispe"), so it is taken out with the
 * separators around it. Null when nothing else is left.
 */
export function titleBesidePatient(title: string, patientName: string | null): string | null {
  let rest = title.trim();
  const name = patientName?.trim();
  if (name) {
    const at = rest.toLowerCase().indexOf(name.toLowerCase());
    if (at >= 0) {
      const trim = /^[\s\-–—:·|,/()]+|[\s\-–—:·|,/()]+$/g;
      rest = `${rest.slice(0, at).replace(trim, "")} ${rest.slice(at + name.length).replace(trim, "")}`.trim();
    }
  }
  return rest || null;
}

/** What a cita box says, in the order it is read: who, what, status, when. */
export interface CitaLabel {
  /** The patient's name, or the title / "untitled" when there is no patient. */
  first: string;
  /** The title without the patient's name, when it says more. */
  second: string | null;
  status: string;
  statusText: string;
  time: string;
  pendingPush: boolean;
  /** The reminder's state in words, when the box marks one. */
  reminder: string | null;
}

export function citaLabel(p: CitaEventProps, text: CitaText): CitaLabel {
  const patient = p.patientName?.trim() || null;
  const first = patient ?? (p.title.trim() || text.untitled);
  return {
    first,
    second: patient ? titleBesidePatient(p.title, patient) : null,
    status: p.status,
    statusText: statusLabel(p.status, text.locale),
    time: p.timeText,
    pendingPush: p.pendingPush,
    reminder: ((r) => (r ? text.reminders[r] : null))(shownReminder(p)),
  };
}

/**
 * The full detail of a cita box (tooltip and accessible name), in the box's
 * order, with the title whole: patient, title, status, time, sync state.
 */
export function citaTooltip(p: CitaEventProps, text: CitaText): string {
  const l = citaLabel(p, text);
  const title = p.title.trim();
  const parts = [l.first, title && title !== l.first ? title : null, l.statusText, l.reminder, l.time];
  if (l.pendingPush) parts.push(text.pendingPush);
  return parts.filter(Boolean).join(" · ");
}

// data-testid: the "pendiente de sincronizar" badge e2e tests look for.
const PENDING_MARK =
  '<svg class="pending-mark" data-testid="pending-badge" viewBox="0 0 12 12" aria-hidden="true"><path d="M6 9.5V3M3.2 5.6 6 2.8l2.8 2.8"/></svg>';

/**
 * The inside of a cita box in the grid, as one HTML string: EventCalendar
 * sets it with innerHTML, far cheaper than a component per event when a
 * week holds hundreds. Every value is escaped. The patient's name comes
 * first, then the title, then the marks (status, reminder, not yet sent)
 * and the time; the tooltip spells everything out. Marks go in
 * `cita-marks`, so a new one is one more entry there.
 *
 * A `nameOnly` box (start-up's first screen) holds the name and the tooltip
 * alone: the lines under the name are most of a box's cost, and the grid
 * draws every box whole once that screen has painted. It carries none of
 * the `data-` hooks, so whatever finds a box by its cita finds it whole.
 */
export function citaEventHtml(p: CitaEventProps, text: CitaText): string {
  const l = citaLabel(p, text);
  const patient = `<span class="cita-patient">${escapeHtml(l.first)}</span>`;
  const tooltip = ` title="${escapeHtml(citaTooltip(p, text))}"`;
  if (p.nameOnly) return `<div class="cita-content" data-name-only${tooltip}>${patient}</div>`;
  const second = l.second ? `<span class="cita-title">${escapeHtml(l.second)}</span>` : "";
  const reminder = shownReminder(p);
  const reminderHtml =
    reminder && l.reminder
      ? `<span class="reminder-mark reminder-${reminder}" data-testid="reminder-mark" data-reminder="${reminder}"` +
        ` role="img" aria-label="${escapeHtml(l.reminder)}" title="${escapeHtml(l.reminder)}">${reminderMark(reminder)}</span>`
      : "";
  const marks =
    `<span class="cita-status-mark" aria-hidden="true"></span>` + reminderHtml + (l.pendingPush ? PENDING_MARK : "");
  return (
    `<div class="cita-content" data-cita-id="${escapeHtml(p.citaId)}" data-calendar-id="${escapeHtml(p.calendarId)}"` +
    ` data-status="${escapeHtml(p.status)}" data-sync-state="${p.pendingPush ? "pending_push" : "synced"}"` +
    ` data-start="${escapeHtml(p.startLocal)}" data-end="${escapeHtml(p.endLocal)}"${tooltip}>` +
    `${patient}${second}` +
    `<span class="cita-meta"><span class="cita-marks">${marks}</span>` +
    `<span class="cita-time">${escapeHtml(l.time)}</span></span></div>`
  );
}

/** Resource (calendar) indices `first..=last`; `last < first` when there are none. */
export interface ResourceRange {
  first: number;
  last: number;
}

/** Where the grid's calendars sit, in px, as the scroller reports it. */
export interface GridGeometry {
  /** Calendars in the grid, each the same width. */
  count: number;
  /** The scroller's scrollLeft. */
  scrollLeft: number;
  /** Width of the visible part of the calendar columns (scroller width minus the time axis). */
  viewportWidth: number;
  /** Width of all calendar columns together (scroll width minus the time axis). */
  contentWidth: number;
}

/**
 * The calendars whose columns are on screen, plus `margin` on each side:
 * only their citas are handed to EventCalendar (drawing every box of a
 * wide grid costs start-up time and memory for nothing). With no layout yet
 * (zero sizes) or anything odd, every calendar: never a cita missing on screen.
 */
export function resourcesNearViewport(g: GridGeometry, margin = 1): ResourceRange {
  const all = { first: 0, last: g.count - 1 };
  const sane = [g.scrollLeft, g.viewportWidth, g.contentWidth].every(Number.isFinite);
  if (g.count <= 1 || !sane || g.viewportWidth <= 0 || g.contentWidth <= 0 || g.viewportWidth >= g.contentWidth) {
    return all;
  }
  const width = g.contentWidth / g.count;
  const left = Math.max(0, g.scrollLeft);
  const first = Math.floor(left / width) - margin;
  // A column whose left edge is exactly at the viewport's right edge is not visible.
  const last = Math.ceil((left + g.viewportWidth) / width) - 1 + margin;
  return { first: Math.max(0, Math.min(first, g.count - 1)), last: Math.max(0, Math.min(last, g.count - 1)) };
}

export function sameRange(a: ResourceRange, b: ResourceRange): boolean {
  return a.first === b.first && a.last === b.last;
}

/** What a block box needs (read back with `blockProps`). */
export interface BlockEventProps {
  blockId: string;
  title: string;
  startLocal: string;
  endLocal: string;
  pending: boolean;
}

/** The parts of the core's `PracticeDays` the grid draws. */
export interface PracticeSpans {
  closed: readonly { calendarId: string; start: string; end: string }[];
  blocks: readonly {
    id: string;
    calendarId: string | null;
    userId: string | null;
    title: string;
    start: string;
    end: string;
    pending: boolean;
  }[];
}

/**
 * The calendars on screen a block covers: its calendar, or every calendar
 * of its practitioner (a practitioner's block: vacation, a course).
 */
export function blockCalendars(
  block: PracticeSpans["blocks"][number],
  calendarIds: readonly string[],
  practitionerOf: ReadonlyMap<string, string | null>,
): string[] {
  return block.calendarId
    ? calendarIds.filter((c) => c === block.calendarId)
    : calendarIds.filter((c) => block.userId !== null && practitionerOf.get(c) === block.userId);
}

/**
 * Closed time as shaded background events, one per calendar and span, and
 * blocks as boxes of their own: a calendar's block in its column, a
 * practitioner's block in every column of theirs (`practitionerOf`: the
 * calendar's practitioner id). Only the calendars on screen are drawn.
 */
export function practiceToEvents(
  practice: PracticeSpans | null,
  calendarIds: readonly string[],
  practitionerOf: ReadonlyMap<string, string | null>,
): Calendar.EventInput[] {
  if (!practice) return [];
  const shown = new Set(calendarIds);
  const closed: Calendar.EventInput[] = practice.closed
    .filter((s) => shown.has(s.calendarId))
    .map((s, i) => ({
      id: `closed-${s.calendarId}-${i}`,
      resourceIds: [s.calendarId],
      start: s.start,
      end: s.end,
      display: "background",
      classNames: ["closed-time"],
    }));
  const blocks: Calendar.EventInput[] = [];
  for (const b of practice.blocks) {
    const columns = blockCalendars(b, calendarIds, practitionerOf);
    if (columns.length === 0) continue;
    const props: BlockEventProps = { blockId: b.id, title: b.title, startLocal: b.start, endLocal: b.end, pending: b.pending };
    blocks.push({
      id: `block-${b.id}`,
      resourceIds: columns,
      start: b.start,
      end: b.end,
      title: b.title,
      classNames: b.pending ? ["block-time", "cita-pending-push"] : ["block-time"],
      // A practitioner's block spans several columns: moved in the dialog, not by drag.
      editable: columns.length === 1 && b.calendarId !== null,
      extendedProps: { ...props },
    });
  }
  return [...closed, ...blocks];
}

/** Reads back the props set by `practiceToEvents` for a block. */
export function blockProps(extendedProps: Record<string, unknown>): BlockEventProps | null {
  const p = extendedProps as Partial<BlockEventProps>;
  return typeof p.blockId === "string" ? (p as BlockEventProps) : null;
}

/** The inside of a block box: its reason and time, escaped. */
export function blockEventHtml(p: BlockEventProps, blockedLabel: string): string {
  const time = timeRange(p.startLocal, p.endLocal);
  return (
    `<div class="block-content" data-block-id="${escapeHtml(p.blockId)}" data-start="${escapeHtml(p.startLocal)}"` +
    ` data-end="${escapeHtml(p.endLocal)}" title="${escapeHtml(`${blockedLabel}: ${p.title} · ${time}`)}">` +
    `<span class="block-title">${escapeHtml(p.title)}</span>` +
    `<span class="cita-time">${escapeHtml(time)}</span></div>`
  );
}
