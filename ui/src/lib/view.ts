// Which grid the receptionist sees: the week of a few calendars, the week of
// the whole team (a row per calendar), or one day of every calendar side by side. Pure, so the rules are unit-tested; the
// choice is remembered in localStorage (through the `KeyValueStore` passed in).
//
// Why a limit: a week of 20 calendars is 140 day-columns, unreadable at
// 1280 px and very slow to lay out in WebKitGTK. The week shows at most
// MAX_WEEK_CALENDARS calendars (chosen with the picker); the team's week
// shows every calendar's week as a row of days (no time grid: a light list
// of names per day); the day view shows them all side by side.

import type { CalendarColumn } from "../bindings/CalendarColumn";
import type { CitaView } from "../bindings/CitaView";
import type { DayAgenda } from "../bindings/DayAgenda";
import type { WeekView } from "../bindings/WeekView";
import { addDays, mondayOf, wallDate } from "./dates";

export type ViewMode = "day" | "week" | "team";
/** The views drawn by the time grid (EventCalendar). */
export type GridMode = Exclude<ViewMode, "team">;
const VIEW_MODES: readonly ViewMode[] = ["day", "week", "team"];

/**
 * Calendars the week view shows at once: 3 x 7 = 21 day-columns of ~43 px
 * fit beside the agenda at 1280 px; a fourth calendar would not.
 */
export const MAX_WEEK_CALENDARS = 3;

export const PREFS_KEY = "citadesk.view.v1";

/** What is remembered between runs. */
export interface ViewPrefs {
  /** Set only once the user picked a view; until then the default applies. */
  mode?: ViewMode;
  /** Calendars picked for the week view, per location id. */
  weekCalendars?: Record<string, string[]>;
  /** Row height of the grid (the zoom), once the user chose one. */
  density?: Density;
}

/**
 * The grid's zoom: how tall a half hour is. Compact shows a long day
 * without scrolling (a 15-minute cita still has its name's line); roomy
 * gives a 15-minute cita two lines (name and title).
 */
export type Density = "compact" | "normal" | "roomy";
export const DENSITIES: readonly Density[] = ["compact", "normal", "roomy"];
export const DEFAULT_DENSITY: Density = "normal";

/** Pixels per 30-minute row for each density. */
export function slotHeight(density: Density): number {
  return density === "compact" ? 30 : density === "roomy" ? 72 : 44;
}

export function withDensity(prefs: ViewPrefs, density: Density): ViewPrefs {
  return { ...prefs, density };
}

function isDensity(value: unknown): value is Density {
  return DENSITIES.includes(value as Density);
}

/** The part of `Storage` used here (localStorage in the app, a map in tests). */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/**
 * Up to this many calendars the team's week is the first screen: a clinic
 * of 5 to 10 practitioners sees its whole week without a picker. Past it,
 * the rows run long and the day of every calendar is the first screen.
 */
export const TEAM_DEFAULT_MAX = 12;

/**
 * The view when the user has not chosen one: the week when every calendar
 * fits in it (the usual small clinic, and the demo), the team's week for a
 * clinic of up to TEAM_DEFAULT_MAX, else the day of all of them; nobody's
 * citas are hidden behind the picker on the first screen.
 */
export function defaultMode(calendarCount: number, max = MAX_WEEK_CALENDARS): ViewMode {
  if (calendarCount <= max) return "week";
  return calendarCount <= TEAM_DEFAULT_MAX ? "team" : "day";
}

export function effectiveMode(prefs: ViewPrefs, calendarCount: number, max = MAX_WEEK_CALENDARS): ViewMode {
  return prefs.mode ?? defaultMode(calendarCount, max);
}

/**
 * The calendars the week view shows, in the location's order: the saved
 * choice (only calendars that still exist, at most `max`), else the first `max`.
 */
export function weekCalendarIds(
  calendars: readonly Pick<CalendarColumn, "id">[],
  saved: readonly string[] | undefined,
  max = MAX_WEEK_CALENDARS,
): string[] {
  const wanted = new Set(saved ?? []);
  const kept = calendars.filter((c) => wanted.has(c.id)).slice(0, max);
  const chosen = kept.length > 0 ? kept : calendars.slice(0, max);
  return chosen.map((c) => c.id);
}

/**
 * Picker click: adds or removes `id`. The last calendar cannot be removed,
 * and nothing is added past `max` (the chip is disabled then).
 */
export function toggleCalendar(
  selected: readonly string[],
  id: string,
  calendars: readonly Pick<CalendarColumn, "id">[],
  max = MAX_WEEK_CALENDARS,
): string[] {
  const set = new Set(selected);
  if (set.has(id)) {
    if (set.size <= 1) return [...selected];
    set.delete(id);
  } else {
    if (set.size >= max || !calendars.some((c) => c.id === id)) return [...selected];
    set.add(id);
  }
  return calendars.filter((c) => set.has(c.id)).map((c) => c.id);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === "string");
}

/** Saved preferences; anything unreadable counts as nothing saved. */
export function loadPrefs(store: KeyValueStore | null | undefined): ViewPrefs {
  let raw: string | null = null;
  try {
    raw = store?.getItem(PREFS_KEY) ?? null;
  } catch {
    return {};
  }
  if (!raw) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return {};
  }
  if (typeof parsed !== "object" || parsed === null) return {};
  const p = parsed as Record<string, unknown>;
  const prefs: ViewPrefs = {};
  if (VIEW_MODES.includes(p.mode as ViewMode)) prefs.mode = p.mode as ViewMode;
  if (isDensity(p.density)) prefs.density = p.density;
  if (typeof p.weekCalendars === "object" && p.weekCalendars !== null) {
    const byLocation: Record<string, string[]> = {};
    for (const [location, ids] of Object.entries(p.weekCalendars)) {
      if (isStringArray(ids)) byLocation[location] = ids;
    }
    prefs.weekCalendars = byLocation;
  }
  return prefs;
}

/** Writes the preferences; a full or missing storage is not an error. */
export function savePrefs(store: KeyValueStore | null | undefined, prefs: ViewPrefs): void {
  try {
    store?.setItem(PREFS_KEY, JSON.stringify(prefs));
  } catch {
    // Private mode or quota: the choice just is not remembered.
  }
}

export function withMode(prefs: ViewPrefs, mode: ViewMode): ViewPrefs {
  return { ...prefs, mode };
}

export function withWeekCalendars(prefs: ViewPrefs, locationId: string, ids: readonly string[]): ViewPrefs {
  return { ...prefs, weekCalendars: { ...prefs.weekCalendars, [locationId]: [...ids] } };
}

/**
 * Today's agenda as the first week on screen, when the first screen is the
 * day view of today: it holds the citas the week would bring for that day
 * (the core reads both the same way) and is a seventh of the week to cross
 * IPC, so the day is drawn while the rest of the week is on its way. Null
 * when the first screen needs the whole week.
 */
export function todayAsFirstWeek(agenda: DayAgenda, prefs: ViewPrefs): WeekView | null {
  if (agenda.calendars.length === 0 || effectiveMode(prefs, agenda.calendars.length) !== "day") return null;
  const { location, date, calendars, citas } = agenda;
  return { location, weekStart: mondayOf(date), today: date, calendars, citas };
}

/** Whether a `YYYY-MM-DD` date falls in the week starting on `weekStart`. */
export function isInWeek(date: string, weekStart: string): boolean {
  return date >= weekStart && date <= addDays(weekStart, 6);
}

/** The day the day view opens on for a week: today when it is in the week, else the Monday. */
export function defaultDay(weekStart: string, today: string): string {
  return isInWeek(today, weekStart) ? today : weekStart;
}

/** Where the view aims: the day view's day, and a date in the week shown. */
export interface ViewAim {
  day: string;
  week: string;
}

/**
 * The view's aim from what the desk holds: the day and the week last asked
 * for (by a step or a pick; their week may still be loading), else the day
 * on screen and today's week. Never the day on screen over the one asked
 * for: that lost a quick second step on Sundays.
 */
export function viewAim(pickedDay: string | null, shownDay: string, requestedWeek: string | null, today: string): ViewAim {
  return { day: pickedDay ?? shownDay, week: requestedWeek ?? today };
}

/**
 * One step back or forward from the view's aim: a day in the day view, else
 * a week. The aim is what the last step asked for, not what is on screen:
 * a step taken while the previous one's week is still loading goes on from
 * there, so two quick presses of → on a Sunday move two days, not one.
 * `load` says the new aim is in another week, which has to be read.
 */
export function stepAim(mode: ViewMode, aim: ViewAim, direction: 1 | -1): ViewAim & { load: boolean } {
  if (mode === "day") {
    const day = addDays(aim.day, direction);
    const sameWeek = mondayOf(day) === mondayOf(aim.week);
    return { day, week: sameWeek ? aim.week : day, load: !sameWeek };
  }
  const week = addDays(mondayOf(aim.week), 7 * direction);
  return { day: week, week, load: true };
}

/**
 * Citas of the given calendars (and, for the day view, those on that day,
 * including one that started the evening before), order kept.
 */
export function citasOnScreen(
  citas: readonly CitaView[],
  calendarIds: readonly string[],
  day: string | null,
): CitaView[] {
  const ids = new Set(calendarIds);
  const dayStart = day === null ? "" : `${day}T00:00`;
  return citas.filter(
    (c) =>
      ids.has(c.calendarId) && (day === null || (wallDate(c.startLocal) <= day && c.endLocal > dayStart)),
  );
}

/** Whether two lists hold the same citas, field for field, in the same order. */
export function sameCitas(a: readonly CitaView[], b: readonly CitaView[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  return a.every((c, i) => {
    const d = b[i];
    if (!d) return false;
    const keys = Object.keys(c) as (keyof CitaView)[];
    return keys.length === Object.keys(d).length && keys.every((k) => c[k] === d[k]);
  });
}

export const SKELETON_KEY = "citadesk.grid.v1";

/**
 * The last week's columns, kept so the next start can lay the grid out
 * while the core is still opening the cache; when the week arrives with the
 * same calendars, only its citas are added.
 */
export interface GridSkeleton {
  locationId: string;
  weekStart: string;
  today: string;
  calendars: CalendarColumn[];
}

function isColumn(value: unknown): value is CalendarColumn {
  const c = value as CalendarColumn;
  return (
    typeof value === "object" &&
    value !== null &&
    typeof c.id === "string" &&
    typeof c.name === "string" &&
    (c.practitioner === null || typeof c.practitioner === "string") &&
    typeof c.isActive === "boolean" &&
    typeof c.color === "string"
  );
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

export function loadSkeleton(store: KeyValueStore | null | undefined): GridSkeleton | null {
  let raw: string | null = null;
  try {
    raw = store?.getItem(SKELETON_KEY) ?? null;
  } catch {
    return null;
  }
  if (!raw) return null;
  try {
    const p = JSON.parse(raw) as Partial<GridSkeleton> | null;
    if (
      !p ||
      typeof p.locationId !== "string" ||
      typeof p.weekStart !== "string" ||
      !ISO_DAY.test(p.weekStart) ||
      typeof p.today !== "string" ||
      !ISO_DAY.test(p.today) ||
      !Array.isArray(p.calendars) ||
      p.calendars.length === 0 ||
      !p.calendars.every(isColumn)
    ) {
      return null;
    }
    return { locationId: p.locationId, weekStart: p.weekStart, today: p.today, calendars: p.calendars };
  } catch {
    return null;
  }
}

/** Saves the skeleton; returns the string written (to skip identical writes), or null. */
export function saveSkeleton(
  store: KeyValueStore | null | undefined,
  skeleton: GridSkeleton,
  previous: string | null,
): string | null {
  const value = JSON.stringify(skeleton);
  if (value === previous) return previous;
  try {
    store?.setItem(SKELETON_KEY, value);
    return value;
  } catch {
    return null;
  }
}
