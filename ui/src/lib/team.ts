// The team's week: a row per calendar (practitioner), a cell per day, each
// cell that day's citas in order, read as "09:00 María Quispe". Pure, so
// the grouping is unit-tested; TeamWeek.svelte draws it as a plain table
// (no time grid): a clinic of 5 to 10 practitioners sees its whole week at
// once, where EventCalendar's 35 to 70 day-columns took seconds to lay out.

import type { CalendarColumn } from "../bindings/CalendarColumn";
import type { CitaView } from "../bindings/CitaView";
import { blockCalendars, citaProps, sortCitas, type CitaEventProps, type PracticeSpans } from "./calendar";
import { addDays, wallDate, wallTime } from "./dates";
import { groupCalendars, type PracticeLike } from "./practice";

/** A block (time nobody can book) as a team cell shows it. */
export interface TeamBlock {
  blockId: string;
  title: string;
  /** "13:00", or null when it began on an earlier day. */
  from: string | null;
  /** Whether it covers the whole day (vacation, a course). */
  allDay: boolean;
  pending: boolean;
  /** Its start as the core sent it (wall time), for the cell's order. */
  start: string;
}

/** What a cell lists, in time order: citas and blocks together. */
export type TeamEntry = { kind: "cita"; cita: CitaEventProps } | { kind: "block"; block: TeamBlock };

/** A cell's citas and blocks in the order of their start (a block from an earlier day first). */
export function cellEntries(cell: TeamCell): TeamEntry[] {
  const entries: (TeamEntry & { at: string })[] = [
    ...cell.blocks.map((block) => ({ kind: "block" as const, block, at: block.start })),
    ...cell.citas.map((cita) => ({ kind: "cita" as const, cita, at: cita.startLocal })),
  ];
  // Stable: at the same time a block comes before the citas it covers.
  return entries.sort((a, b) => a.at.localeCompare(b.at)).map(({ at: _at, ...entry }) => entry);
}

export interface TeamCell {
  date: string;
  citas: CitaEventProps[];
  /** Citas that still take the practitioner's time (not cancelled). */
  booked: number;
  /** Blocks over this day, by start. */
  blocks: TeamBlock[];
  /** The calendar's schedule has it closed the whole day. */
  closed: boolean;
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
  spans: PracticeSpans | null = null,
  practitionerOf: ReadonlyMap<string, string | null> = new Map(),
): TeamWeekView {
  const days = Array.from({ length: 7 }, (_, i) => addDays(weekStart, i));
  const dayIndex = new Map(days.map((d, i) => [d, i]));
  const cellsOf = new Map<string, TeamCell[]>(
    calendars.map((c) => [c.id, days.map((date) => ({ date, citas: [], booked: 0, blocks: [], closed: false }))]),
  );
  addPractice(cellsOf, days, spans, practitionerOf);
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

const dayStart = (date: string) => `${date}T00:00:00`;

/** Blocks into the cells of the days they cover; whole days the schedule closes. */
function addPractice(
  cellsOf: ReadonlyMap<string, TeamCell[]>,
  days: readonly string[],
  spans: PracticeSpans | null,
  practitionerOf: ReadonlyMap<string, string | null>,
) {
  if (!spans) return;
  const ids = [...cellsOf.keys()];
  days.forEach((date, i) => {
    const from = dayStart(date);
    const to = dayStart(addDays(date, 1));
    for (const s of spans.closed) {
      const cell = cellsOf.get(s.calendarId)?.[i];
      if (cell && s.start <= from && s.end >= to) cell.closed = true;
    }
    for (const b of [...spans.blocks].sort((x, y) => x.start.localeCompare(y.start))) {
      if (b.start >= to || b.end <= from) continue;
      const block: TeamBlock = {
        blockId: b.id,
        title: b.title,
        from: b.start >= from ? wallTime(b.start) : null,
        allDay: b.start <= from && b.end >= to,
        pending: b.pending,
        start: b.start,
      };
      for (const id of blockCalendars(b, ids, practitionerOf)) cellsOf.get(id)?.[i]?.blocks.push(block);
    }
  });
}
