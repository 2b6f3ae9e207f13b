// The practice around the grid: which calendars a specialty (GHL calendar
// group) or a room keeps on screen, and the calendar picker's groups.

import type { CalendarColumn } from "../bindings/CalendarColumn";

/** The parts of the core's `PracticeView` the filters read. */
export interface PracticeLike {
  calendars: readonly { id: string; groupId: string | null; groupName: string | null; roomIds: readonly string[] }[];
  rooms: readonly { id: string; name: string; kind: string; calendarIds: readonly string[]; isActive: boolean }[];
}

/**
 * The calendars kept by the specialty and room filters (null: no filter).
 * A filter naming something the practice no longer has keeps everything:
 * the grid is never emptied by a stale choice.
 */
export function filterByPractice<T extends { id: string }>(
  calendars: readonly T[],
  practice: PracticeLike | null,
  groupId: string | null,
  roomId: string | null,
): T[] {
  if (!practice || (!groupId && !roomId)) return [...calendars];
  const room = roomId ? practice.rooms.find((r) => r.id === roomId) : undefined;
  const inGroup = groupId ? new Set(practice.calendars.filter((c) => c.groupId === groupId).map((c) => c.id)) : null;
  const kept = calendars.filter(
    (c) => (!inGroup || inGroup.size === 0 || inGroup.has(c.id)) && (!room || room.calendarIds.includes(c.id)),
  );
  return kept.length > 0 ? kept : [...calendars];
}

/** Calendars grouped by specialty, in the calendars' order; "" = in no group. */
export function groupCalendars(
  calendars: readonly CalendarColumn[],
  practice: PracticeLike | null,
): { group: string; calendars: CalendarColumn[] }[] {
  const nameOf = new Map((practice?.calendars ?? []).map((c) => [c.id, c.groupName ?? ""]));
  const out: { group: string; calendars: CalendarColumn[] }[] = [];
  for (const c of calendars) {
    const group = nameOf.get(c.id) ?? "";
    const found = out.find((g) => g.group === group);
    if (found) found.calendars.push(c);
    else out.push({ group, calendars: [c] });
  }
  return out;
}

/** The rooms (not equipment) serving a calendar, by name. */
export function roomsOf(calendarId: string, practice: PracticeLike | null): string[] {
  return (practice?.rooms ?? [])
    .filter((r) => r.kind === "rooms" && r.isActive && r.calendarIds.includes(calendarId))
    .map((r) => r.name);
}

/** Each calendar's practitioner (GHL user id), for a practitioner's blocks. */
export function practitionersOf(
  practice: { calendars: readonly { id: string; practitionerId: string | null }[] } | null,
): ReadonlyMap<string, string | null> {
  return new Map((practice?.calendars ?? []).map((c) => [c.id, c.practitionerId]));
}

/**
 * The day by room: a column per active room (GHL resource of kind `rooms`)
 * serving a calendar on screen, and each cita in the column of every room
 * its calendar uses (GHL ties rooms to calendars, not to citas). A column
 * takes the colour of its first calendar; `calendarOf` maps a room back to
 * a calendar for a click on free time.
 */
export function roomView<C extends { calendarId: string }>(
  practice: PracticeLike | null,
  calendars: readonly CalendarColumn[],
  citas: readonly C[],
): { columns: CalendarColumn[]; citas: C[]; calendarOf: ReadonlyMap<string, string> } {
  const shown = new Set(calendars.map((c) => c.id));
  const rooms = (practice?.rooms ?? []).filter(
    (r) => r.kind === "rooms" && r.isActive && r.calendarIds.some((c) => shown.has(c)),
  );
  const color = new Map(calendars.map((c) => [c.id, c.color]));
  const columns: CalendarColumn[] = rooms.map((r) => {
    const first = r.calendarIds.find((c) => shown.has(c)) ?? "";
    return { id: r.id, name: r.name, practitioner: null, isActive: true, color: color.get(first) ?? "" };
  });
  const placed: C[] = [];
  for (const cita of citas) {
    for (const r of rooms) if (r.calendarIds.includes(cita.calendarId)) placed.push({ ...cita, calendarId: r.id });
  }
  const calendarOf = new Map(rooms.map((r) => [r.id, r.calendarIds.find((c) => shown.has(c)) ?? ""]));
  return { columns, citas: placed, calendarOf };
}
