// The month view's arithmetic and labels: which month comes before or after,
// its title, the grid's weeks, and how busy a day looks. Pure, tested; the
// figures themselves come from the core (MonthView).

import type { Locale } from "../bindings/Locale";
import type { MonthDay } from "../bindings/MonthDay";
import { parseIsoDate } from "./dates";

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

/** "noviembre de 2026" / "November 2026". */
export function monthLabel(month: string, locale: Locale): string {
  const d = parseIsoDate(`${month}-01`);
  if (!d) return month;
  return new Intl.DateTimeFormat(locale, { month: "long", year: "numeric", timeZone: "UTC" }).format(d);
}

/** Short weekday names, Monday first. */
export function weekdayNames(locale: Locale): string[] {
  // 2026-11-23 is a Monday.
  return Array.from({ length: 7 }, (_, i) => {
    const d = new Date(Date.UTC(2026, 10, 23 + i));
    return new Intl.DateTimeFormat(locale, { weekday: "short", timeZone: "UTC" }).format(d).replace(/\.$/, "");
  });
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
