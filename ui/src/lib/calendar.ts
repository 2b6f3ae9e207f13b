// Maps the core's week view onto EventCalendar's inputs. Times are handed
// over exactly as the core wrote them (wall clock in the location's zone,
// no offset), which EventCalendar shows as floating times.

import type { Calendar } from "@event-calendar/core";
import type { CalendarColumn } from "../bindings/CalendarColumn";
import type { CitaView } from "../bindings/CitaView";
import { isCancelledStatus, statusTone } from "./status";
import { timeRange } from "./dates";

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
}

export const EVENT_TEXT_COLOR = "#1f2933";

export function citaToEvent(cita: CitaView, columns: ReadonlyMap<string, CalendarColumn>): Calendar.EventInput {
  const color = safeColor(columns.get(cita.calendarId)?.color);
  const cancelled = isCancelledStatus(cita.status);
  const pendingPush = cita.syncState === "pending_push";
  const classNames = ["cita", `cita-status-${statusTone(cita.status)}`];
  if (cancelled) classNames.push("cita-cancelled");
  if (pendingPush) classNames.push("cita-pending-push");
  const extendedProps: CitaEventProps = {
    citaId: cita.id,
    calendarId: cita.calendarId,
    status: cita.status,
    title: cita.title,
    patientName: cita.patientName,
    startLocal: cita.startLocal,
    endLocal: cita.endLocal,
    timeText: timeRange(cita.startLocal, cita.endLocal),
    pendingPush,
    cancelled,
    color,
  };
  return {
    id: cita.id,
    resourceIds: [cita.calendarId],
    start: cita.startLocal,
    end: cita.endLocal,
    title: cita.title,
    backgroundColor: cancelled ? "#f4f5f7" : tint(color, 0.8),
    textColor: EVENT_TEXT_COLOR,
    classNames,
    styles: [`--cita-color:${color}`],
    extendedProps: { ...extendedProps },
  };
}

export function columnsById(columns: readonly CalendarColumn[]): Map<string, CalendarColumn> {
  return new Map(columns.map((c) => [c.id, c]));
}

export function citasToEvents(citas: readonly CitaView[], columns: readonly CalendarColumn[]): Calendar.EventInput[] {
  const byId = columnsById(columns);
  return citas.map((c) => citaToEvent(c, byId));
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
