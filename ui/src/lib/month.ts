// The month view's arithmetic: which month comes before or after, the grid's
// weeks, and how busy a day looks (its title and weekday names are dates.ts's).
// Pure, tested; the figures themselves come from the core (MonthView).

import type { MonthDay } from "../bindings/MonthDay";

/** `YYYY-MM` of a `YYYY-MM-DD` (or of a `YYYY-MM`). */
export function monthOf(date: string): string {
  return date.slice(0, 7);
}

/** The month `steps` months after `month` (`YYYY-MM`). */
export function stepMonth(month: string, steps: number): string {
  const [y, m] = month.split("-").map(Number);
  const index = (y ?? 0) * 12 + ((m ?? 1) - 1) + steps;
  const year = Math.floor(index / 12);
  return `${String(year).padStart(4, "0")}-${String((index % 12) + 1).padStart(2, "0")}`;
}

/** The grid's days in rows of seven. */
export function weeksOf<T>(days: readonly T[]): T[][] {
  const weeks: T[][] = [];
  for (let i = 0; i < days.length; i += 7) weeks.push(days.slice(i, i + 7));
  return weeks;
}

/** Share of the day's open time already booked, 0..1 (0 when closed). */
export function busyShare(day: Pick<MonthDay, "openMinutes" | "freeMinutes">): number {
  if (day.openMinutes <= 0) return 0;
  return Math.min(1, Math.max(0, 1 - day.freeMinutes / day.openMinutes));
}

/**
 * The calendars a day's cell names, busiest first, at most `max`; the rest
 * are counted. Calendars without citas that day are left out.
 */
export function busiestCalendars(
  day: Pick<MonthDay, "calendars">,
  max: number,
): { shown: { calendarId: string; citas: number }[]; more: number } {
  const withCitas = day.calendars.filter((c) => c.citas > 0).sort((a, b) => b.citas - a.citas);
  return {
    shown: withCitas.slice(0, max).map((c) => ({ calendarId: c.calendarId, citas: c.citas })),
    more: Math.max(0, withCitas.length - max),
  };
}
