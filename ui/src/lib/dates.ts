// Calendar-date and wall-clock helpers. Every input is a string the core
// already expressed in the location's zone ("2026-11-23", "2026-11-23T09:00:00");
// nothing here converts between zones. Dates are built with Date.UTC and read
// with the getUTC* methods only so the machine's own zone cannot move them.

import { DATE_NAMES } from "../bindings/dateNamesByLocale";
import type { Locale } from "../bindings/Locale";

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const LOCAL_DATE_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/;

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** A `YYYY-MM-DD` string as a Date at 00:00 UTC, or null when malformed. */
export function parseIsoDate(date: string): Date | null {
  const m = ISO_DATE.exec(date);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const result = new Date(Date.UTC(y, mo - 1, d));
  if (result.getUTCFullYear() !== y || result.getUTCMonth() !== mo - 1 || result.getUTCDate() !== d) {
    return null;
  }
  return result;
}

function toIsoDate(date: Date): string {
  return `${String(date.getUTCFullYear()).padStart(4, "0")}-${pad2(date.getUTCMonth() + 1)}-${pad2(date.getUTCDate())}`;
}

/** Calendar arithmetic on `YYYY-MM-DD` (no clock time involved). */
export function addDays(date: string, days: number): string {
  const d = parseIsoDate(date);
  if (!d) throw new Error(`not a YYYY-MM-DD date: ${date}`);
  d.setUTCDate(d.getUTCDate() + days);
  return toIsoDate(d);
}

/** The Monday of the week holding a `YYYY-MM-DD` date (weeks start on Monday, as the core's). */
export function mondayOf(date: string): string {
  const d = parseIsoDate(date);
  if (!d) throw new Error(`not a YYYY-MM-DD date: ${date}`);
  return addDays(date, -((d.getUTCDay() + 6) % 7));
}

/**
 * The calendar date of a Date's *local* fields. EventCalendar hands its
 * callbacks Dates whose local fields are the wall-clock values it shows.
 */
export function isoDateFromLocalFields(date: Date): string {
  return `${String(date.getFullYear()).padStart(4, "0")}-${pad2(date.getMonth() + 1)}-${pad2(date.getDate())}`;
}

/** `HH:MM` of a Date's local fields (EventCalendar slot labels). */
export function hhmmFromLocalFields(date: Date): string {
  return `${pad2(date.getHours())}:${pad2(date.getMinutes())}`;
}

/** `HH:MM` of a `YYYY-MM-DDTHH:MM[:SS]` wall-clock string, unchanged. */
export function wallTime(local: string): string {
  const m = LOCAL_DATE_TIME.exec(local);
  return m ? `${m[2]}:${m[3]}` : local;
}

/** `YYYY-MM-DD` part of a wall-clock string. */
export function wallDate(local: string): string {
  const m = LOCAL_DATE_TIME.exec(local);
  return m?.[1] ?? local.slice(0, 10);
}

/** "09:00 - 09:30": the start–end of a cita in location time. */
export function timeRange(startLocal: string, endLocal: string): string {
  return `${wallTime(startLocal)} - ${wallTime(endLocal)}`;
}

// Dates are written from the core's day and month names (DateNames, generated
// into the bindings), not by Intl.DateTimeFormat: in WebKitGTK the first
// formatter built loads ICU's calendar data and pattern generator, 10-15 ms
// of the start-up's main thread (the header's and the agenda's dates are on
// the first screen), and ICU versions word the same date differently ("lun
// 07/09" or "lun 7/9"; "23–29 nov 2026" or "23 – 29 de nov. de 2026"), so
// labels differed from one distribution to the next. The reminders the core
// sends use the same words.

/** Short weekday names, Monday first: es-PE "lun"…"dom", en "Mon"…"Sun". */
export function weekdayNames(locale: Locale): string[] {
  const short = DATE_NAMES[locale].shortDays;
  return [...short.slice(1), short[0] ?? ""];
}

/** A month (`YYYY-MM`) with its year: es-PE "noviembre de 2026", en "November 2026". */
export function monthLabel(month: string, locale: Locale): string {
  const d = parseIsoDate(`${month}-01`);
  if (!d) return month;
  const name = DATE_NAMES[locale].months[d.getUTCMonth()];
  return locale === "en" ? `${name} ${d.getUTCFullYear()}` : `${name} de ${d.getUTCFullYear()}`;
}

/** Day heading in the week grid: es-PE "lun 23/11", en "Mon 11/23". */
export function dayHeaderLabel(date: string, locale: Locale): string {
  const d = parseIsoDate(date);
  if (!d) return date;
  const weekday = DATE_NAMES[locale].shortDays[d.getUTCDay()];
  const day = pad2(d.getUTCDate());
  const month = pad2(d.getUTCMonth() + 1);
  return locale === "en" ? `${weekday} ${month}/${day}` : `${weekday} ${day}/${month}`;
}

/** Long form for accessibility and the agenda: es-PE "lunes, 23 de noviembre de 2026", en "Monday, November 23, 2026". */
export function longDateLabel(date: string, locale: Locale): string {
  const d = parseIsoDate(date);
  if (!d) return date;
  const names = DATE_NAMES[locale];
  const weekday = names.days[d.getUTCDay()];
  const month = names.months[d.getUTCMonth()];
  const [day, year] = [d.getUTCDate(), d.getUTCFullYear()];
  return locale === "en" ? `${weekday}, ${month} ${day}, ${year}` : `${weekday}, ${day} de ${month} de ${year}`;
}

/**
 * The week's range, Monday to Sunday, the year and month said once when
 * shared: es-PE "23–29 nov 2026", "30 nov – 6 dic 2026",
 * "28 dic 2026 – 3 ene 2027"; en "Nov 23–29, 2026", "Nov 30 – Dec 6, 2026",
 * "Dec 28, 2026 – Jan 3, 2027".
 */
export function weekRangeLabel(weekStart: string, locale: Locale): string {
  const start = parseIsoDate(weekStart);
  if (!start) return weekStart;
  const end = parseIsoDate(addDays(weekStart, 6)) ?? start;
  const months = DATE_NAMES[locale].shortMonths;
  const [d1, m1, y1] = [start.getUTCDate(), months[start.getUTCMonth()], start.getUTCFullYear()];
  const [d2, m2, y2] = [end.getUTCDate(), months[end.getUTCMonth()], end.getUTCFullYear()];
  if (locale === "en") {
    if (y1 !== y2) return `${m1} ${d1}, ${y1} – ${m2} ${d2}, ${y2}`;
    return m1 === m2 ? `${m1} ${d1}–${d2}, ${y2}` : `${m1} ${d1} – ${m2} ${d2}, ${y2}`;
  }
  if (y1 !== y2) return `${d1} ${m1} ${y1} – ${d2} ${m2} ${y2}`;
  return m1 === m2 ? `${d1}–${d2} ${m2} ${y2}` : `${d1} ${m1} – ${d2} ${m2} ${y2}`;
}

/** "miércoles, 25 de noviembre" → "Miércoles, 25 de noviembre" (only the first letter). */
export function capitalizeFirst(text: string, locale: Locale): string {
  return text ? text.charAt(0).toLocaleUpperCase(locale) + text.slice(1) : text;
}

/** `HH:MM` now in the location's zone: only the dialog's default start for today. */
export function locationNow(timeZone: string | undefined, now: Date = new Date()): string {
  try {
    const parts = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
      .formatToParts(now);
    const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "00";
    return `${get("hour")}:${get("minute")}`;
  } catch {
    return "09:00";
  }
}
