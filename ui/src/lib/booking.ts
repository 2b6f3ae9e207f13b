// The booking dialog's and the cita panel's logic, free of Svelte and IPC:
// what the form sends, when Guardar is enabled, what a drag means.

import type { BookingCheck } from "../bindings/BookingCheck";
import type { CalendarColumn } from "../bindings/CalendarColumn";
import type { ErrorPayload } from "../bindings/ErrorPayload";
import type { Finding } from "../bindings/Finding";
import type { FreeSlot } from "../bindings/FreeSlot";
import type { PatientChoice } from "../bindings/PatientChoice";
import type { BookingRequestWire, CitaActionWire } from "./api";
import type { MessageKey } from "./i18n";

/** What the dialog holds; strings as typed, kept intact across errors. */
export interface BookingForm {
  /** Existing patient picked from the search, or a new one typed in. */
  patientMode: "existing" | "new";
  contactId: string | null;
  firstName: string;
  lastName: string;
  phone: string;
  email: string;
  calendarId: string;
  date: string;
  start: string;
  durationMinutes: number;
  title: string;
  notes: string;
  overrideReason: string;
}

export function emptyForm(calendarId: string, date: string, start: string, durationMinutes: number): BookingForm {
  return {
    patientMode: "existing",
    contactId: null,
    firstName: "",
    lastName: "",
    phone: "",
    email: "",
    calendarId,
    date,
    start,
    durationMinutes,
    title: "",
    notes: "",
    overrideReason: "",
  };
}

const ISO_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

export function isIsoDate(value: string): boolean {
  return ISO_DATE.test(value);
}

export function isHhmm(value: string): boolean {
  return HHMM.test(value);
}

/** The smallest duration the dialog offers; the core warns under 15 minutes. */
export const MIN_DURATION = 5;
export const MAX_DURATION = 12 * 60;

/** Enough is typed for the core to check the time (calendar, date, start, duration). */
export function isCheckable(form: BookingForm): boolean {
  return (
    form.calendarId !== "" &&
    isIsoDate(form.date) &&
    isHhmm(form.start) &&
    Number.isInteger(form.durationMinutes) &&
    form.durationMinutes > 0 &&
    form.durationMinutes <= MAX_DURATION
  );
}

function blankToNull(value: string): string | null {
  const v = value.trim();
  return v === "" ? null : v;
}

export function patientChoice(form: BookingForm): PatientChoice | null {
  if (form.patientMode === "existing") {
    return form.contactId ? { kind: "existing", contactId: form.contactId } : null;
  }
  if (form.firstName.trim() === "" && form.lastName.trim() === "" && form.phone.trim() === "" && form.email.trim() === "") {
    return null;
  }
  return {
    kind: "new",
    firstName: form.firstName.trim(),
    lastName: form.lastName.trim(),
    phone: blankToNull(form.phone),
    email: blankToNull(form.email),
  };
}

/** The request `check_booking` and `book` receive. */
export function toRequest(form: BookingForm): BookingRequestWire {
  return {
    calendarId: form.calendarId,
    patient: patientChoice(form),
    date: form.date,
    start: form.start,
    durationMinutes: form.durationMinutes,
    title: form.title.trim(),
    notes: blankToNull(form.notes),
    overrideReason: blankToNull(form.overrideReason),
  };
}

/** Whether Guardar is enabled, and if not, what the receptionist still has to do. */
export interface SaveState {
  enabled: boolean;
  hint: MessageKey | null;
}

export function saveState(form: BookingForm, check: BookingCheck | null, saving: boolean): SaveState {
  if (saving) return { enabled: false, hint: null };
  if (!isCheckable(form)) return { enabled: false, hint: "booking.hint.time" };
  if (form.patientMode === "existing" && !form.contactId) return { enabled: false, hint: "booking.hint.patient" };
  if (form.patientMode === "new") {
    if (form.firstName.trim() === "") return { enabled: false, hint: "booking.hint.firstName" };
    if (form.phone.trim() === "" && form.email.trim() === "") return { enabled: false, hint: "booking.hint.contact" };
  }
  // Until the core has answered for these values, nothing is known to be fine.
  if (!check) return { enabled: false, hint: "booking.hint.checking" };
  if (!check.canSave || hasBlocking(check.findings)) return { enabled: false, hint: "booking.hint.blocked" };
  if (check.needsOverride && form.overrideReason.trim() === "") return { enabled: false, hint: "booking.hint.reason" };
  return { enabled: true, hint: null };
}

export function hasBlocking(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === "blocking");
}

/** Blocking findings first, then warnings; the core's order within each. */
export function orderFindings(findings: readonly Finding[]): Finding[] {
  return [...findings.filter((f) => f.severity === "blocking"), ...findings.filter((f) => f.severity !== "blocking")];
}

/**
 * The calendar the dialog opens on: the clicked column, else the location's
 * default, else the first active one. Unknown ids are ignored.
 */
export function initialCalendarId(
  calendars: readonly CalendarColumn[],
  clicked: string | null,
  locationDefault: string | null,
): string {
  const known = (id: string | null) => (id && calendars.some((c) => c.id === id) ? id : null);
  return known(clicked) ?? known(locationDefault) ?? calendars.find((c) => c.isActive)?.id ?? calendars[0]?.id ?? "";
}

/** `HH:MM` plus minutes, wrapping past midnight (display only). */
export function addMinutes(hhmm: string, minutes: number): string {
  if (!isHhmm(hhmm)) return hhmm;
  const [h, m] = hhmm.split(":").map(Number) as [number, number];
  const total = (((h * 60 + m + minutes) % 1440) + 1440) % 1440;
  return `${String(Math.floor(total / 60)).padStart(2, "0")}:${String(total % 60).padStart(2, "0")}`;
}

/** The next start on the half hour from a `HH:MM` now (the dialog's default from the N key). */
export function nextHalfHour(nowHhmm: string): string {
  if (!isHhmm(nowHhmm)) return "09:00";
  const [h, m] = nowHhmm.split(":").map(Number) as [number, number];
  const total = Math.min(h * 60 + m + (30 - (m % 30)), 23 * 60 + 30);
  return addMinutes("00:00", total);
}

export interface SlotDay {
  date: string;
  starts: string[];
}

/** Free slots grouped by day, in order, at most `perDay` starts a day and `days` days. */
export function groupSlots(slots: readonly FreeSlot[], days = 3, perDay = 8): SlotDay[] {
  const byDate = new Map<string, string[]>();
  for (const s of [...slots].sort((a, b) => a.date.localeCompare(b.date) || a.start.localeCompare(b.start))) {
    const list = byDate.get(s.date) ?? [];
    if (!list.includes(s.start)) list.push(s.start);
    byDate.set(s.date, list);
  }
  return [...byDate.entries()].slice(0, days).map(([date, starts]) => ({ date, starts: starts.slice(0, perDay) }));
}

/** Whether to offer GHL's search: a real query and few local matches. */
export function offerGhlSearch(query: string, localMatches: number): boolean {
  return query.trim().length >= 2 && localMatches < 5;
}

/** Wall-clock fields of a date EventCalendar gives (its clock runs on the location's wall time). */
function wallFields(d: Date): { date: string; start: string } {
  const p = (n: number) => String(n).padStart(2, "0");
  return { date: `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`, start: `${p(d.getHours())}:${p(d.getMinutes())}` };
}

/** A dragged or resized cita as the Move the core receives. */
export function moveFromDrop(
  start: Date,
  end: Date,
  newCalendarId: string | null,
  oldCalendarId: string,
): Extract<CitaActionWire, { kind: "move" }> {
  const { date, start: hhmm } = wallFields(start);
  return {
    kind: "move",
    date,
    start: hhmm,
    durationMinutes: Math.max(1, Math.round((end.getTime() - start.getTime()) / 60000)),
    calendarId: newCalendarId && newCalendarId !== oldCalendarId ? newCalendarId : null,
    overrideReason: null,
  };
}

/** The date and start of a clicked empty time in the grid. */
export function slotFromClick(date: Date): { date: string; start: string } {
  return wallFields(date);
}

/** Minutes between two `YYYY-MM-DDTHH:MM[:SS]` wall-clock strings (same zone). */
export function minutesBetween(startLocal: string, endLocal: string): number {
  const WALL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
  if (!WALL.test(startLocal) || !WALL.test(endLocal)) return 0;
  // Read both as UTC: same zone on both sides, so the difference is the wall-clock one.
  const a = Date.parse(`${startLocal.slice(0, 16)}:00Z`);
  const b = Date.parse(`${endLocal.slice(0, 16)}:00Z`);
  return Number.isNaN(a) || Number.isNaN(b) ? 0 : Math.round((b - a) / 60000);
}

/** Statuses the cita panel offers as buttons. */
export const STATUS_ACTIONS = ["confirmed", "showed", "noshow"] as const;
export type StatusAction = (typeof STATUS_ACTIONS)[number];

/** A move to propose in the cita panel (a drag the core answered with warnings): the reason is asked for there. */
export interface ProposedMove {
  date: string;
  start: string;
  durationMinutes: number;
  calendarId: string;
  error: ErrorPayload;
}
