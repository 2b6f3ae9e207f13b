// Calendar-date and wall-clock helpers. Every input is a string the core
// already expressed in the location's zone ("2026-11-23", "2026-11-23T09:00:00");
// nothing here converts between zones. Dates are built with Date.UTC and
// formatted with timeZone "UTC" only so the machine's own zone cannot move them.

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

const formats = new Map<string, Intl.DateTimeFormat>();

/** Formatters are built once per locale and options: building one is slow in WebKit. */
function utcFormat(locale: Locale, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { ...options, timeZone: "UTC" });
    formats.set(key, format);
  }
  return format;
}

/** Day heading in the week grid: es-PE "lun 23/11", en "Mon 11/23". */
export function dayHeaderLabel(date: string, locale: Locale): string {
  const d = parseIsoDate(date);
  if (!d) return date;
  const weekday = utcFormat(locale, { weekday: "short" }).format(d).replace(/\.$/, "");
  const dayMonth = utcFormat(locale, { day: "2-digit", month: "2-digit" }).format(d);
  return `${weekday} ${dayMonth}`;
}

/** Long form for accessibility and the agenda: "lunes, 23 de noviembre de 2026". */
export function longDateLabel(date: string, locale: Locale): string {
  const d = parseIsoDate(date);
  if (!d) return date;
  return utcFormat(locale, { weekday: "long", day: "numeric", month: "long", year: "numeric" }).format(d);
}

/** The week's range, Monday to Sunday: es-PE "23–29 nov 2026". */
export function weekRangeLabel(weekStart: string, locale: Locale): string {
  const start = parseIsoDate(weekStart);
  if (!start) return weekStart;
  const end = parseIsoDate(addDays(weekStart, 6));
  const fmt = utcFormat(locale, { day: "numeric", month: "short", year: "numeric" });
  if (!end) return fmt.format(start);
  return fmt.formatRange(start, end);
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
