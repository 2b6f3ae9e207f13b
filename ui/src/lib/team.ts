// The team's week: a row per calendar (practitioner), a cell per day, each
// cell that day's citas in order, read as "09:00 María Quispe". Pure, so
// the grouping is unit-tested; TeamWeek.svelte draws it as a plain table
// (no time grid): a clinic of 5 to 10 practitioners sees its whole week at
// once, where EventCalendar's 35 to 70 day-columns took seconds to lay out.

import type { CalendarColumn } from "../bindings/CalendarColumn";
import type { CitaView } from "../bindings/CitaView";
import { citaProps, sortCitas, type CitaEventProps } from "./calendar";
import { addDays, wallDate } from "./dates";
import { groupCalendars, type PracticeLike } from "./practice";

export interface TeamCell {
  date: string;
  citas: CitaEventProps[];
  /** Citas that still take the practitioner's time (not cancelled). */
  booked: number;
}

export interface TeamRow {
  calendar: CalendarColumn;
  /** The specialty (GHL calendar group); "" when the calendar has none. */
  group: string;
  /** True on the first row of its specialty: the heading goes above it. */
  groupStart: boolean;
  cells: TeamCell[];
}

export interface TeamWeekView {
  days: string[];
  rows: TeamRow[];
}

/**
 * The week starting `weekStart`, a row per calendar grouped by specialty
 * (in the calendars' order). A cita sits in the cell of the day it starts;
 * citas of other calendars or outside the week are left out.
 */
export function teamWeek(
  weekStart: string,
  calendars: readonly CalendarColumn[],
  citas: readonly CitaView[],
  practice: PracticeLike | null,
): TeamWeekView {
  const days = Array.from({ length: 7 }, (_, i) => addDays(weekStart, i));
  const dayIndex = new Map(days.map((d, i) => [d, i]));
  const cellsOf = new Map<string, TeamCell[]>(
    calendars.map((c) => [c.id, days.map((date) => ({ date, citas: [], booked: 0 }))]),
  );
  const colorOf = new Map(calendars.map((c) => [c.id, c.color]));
  for (const cita of sortCitas(citas)) {
    const cells = cellsOf.get(cita.calendarId);
    const i = dayIndex.get(wallDate(cita.startLocal));
    const cell = cells && i !== undefined ? cells[i] : undefined;
    if (!cell) continue;
    const p = citaProps(cita, colorOf.get(cita.calendarId));
    cell.citas.push(p);
    if (!p.cancelled) cell.booked += 1;
  }
  const rows: TeamRow[] = [];
  for (const { group, calendars: inGroup } of groupCalendars(calendars, practice)) {
    inGroup.forEach((calendar, i) =>
      rows.push({ calendar, group, groupStart: i === 0, cells: cellsOf.get(calendar.id) ?? [] }),
    );
  }
  return { days, rows };
}
