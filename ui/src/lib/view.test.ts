import { describe, expect, it } from "vitest";
import type { CitaView } from "../bindings/CitaView";
import {
  citasOnScreen,
  defaultDay,
  defaultMode,
  effectiveMode,
  isInWeek,
  loadSkeleton,
  saveSkeleton,
  sameCitas,
  stepAim,
  viewAim,
  todayAsFirstWeek,
  SKELETON_KEY,
  loadPrefs,
  MAX_WEEK_CALENDARS,
  TEAM_DEFAULT_MAX,
  PREFS_KEY,
  savePrefs,
  toggleCalendar,
  weekCalendarIds,
  withMode,
  withWeekCalendars,
  DENSITIES,
  slotHeight,
  withDensity,
  type KeyValueStore,
} from "./view";

const cals = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `cal-${i + 1}` }));

class MemoryStore implements KeyValueStore {
  data = new Map<string, string>();
  getItem(key: string) {
    return this.data.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.data.set(key, value);
  }
}

describe("view choice", () => {
  it("shows the week when every calendar fits, else the day of all", () => {
    expect(MAX_WEEK_CALENDARS).toBe(3);
    expect(defaultMode(1)).toBe("week");
    expect(defaultMode(3)).toBe("week"); // the demo clinic
    expect(defaultMode(4)).toBe("team");
    expect(defaultMode(4, 4)).toBe("week");
    expect(defaultMode(5, 4)).toBe("team");
    expect(defaultMode(10)).toBe("team"); // 10 practitioners: the whole week, no picker
    expect(defaultMode(TEAM_DEFAULT_MAX)).toBe("team");
    expect(defaultMode(TEAM_DEFAULT_MAX + 1)).toBe("day");
    expect(defaultMode(20)).toBe("day");
    expect(defaultMode(0)).toBe("week");
  });

  it("a remembered choice wins over the default", () => {
    expect(effectiveMode({ mode: "week" }, 20)).toBe("week");
    expect(effectiveMode({ mode: "day" }, 3)).toBe("day");
    expect(effectiveMode({ mode: "team" }, 20)).toBe("team");
    expect(effectiveMode({}, 3)).toBe("week");
  });

  it("tells whether a date is in a week", () => {
    expect(isInWeek("2026-11-23", "2026-11-23")).toBe(true);
    expect(isInWeek("2026-11-29", "2026-11-23")).toBe(true);
    expect(isInWeek("2026-11-30", "2026-11-23")).toBe(false);
    expect(isInWeek("2026-11-22", "2026-11-23")).toBe(false);
  });

  it("the day view opens on today when it is in the week, else on Monday", () => {
    expect(defaultDay("2026-11-23", "2026-11-25")).toBe("2026-11-25");
    expect(defaultDay("2026-11-23", "2026-11-29")).toBe("2026-11-29");
    expect(defaultDay("2026-11-30", "2026-11-25")).toBe("2026-11-30");
    expect(defaultDay("2026-11-16", "2026-11-25")).toBe("2026-11-16");
  });
});

describe("stepping back and forward", () => {
  it("the day view steps a day, reading a week only when it leaves the one aimed at", () => {
    // Wednesday to Thursday: the same week, nothing to read.
    expect(stepAim("day", { day: "2026-12-02", week: "2026-12-02" }, 1)).toEqual({
      day: "2026-12-03",
      week: "2026-12-02",
      load: false,
    });
    // Sunday to Monday, and Monday back to Sunday: the next and the previous week.
    expect(stepAim("day", { day: "2026-12-06", week: "2026-12-06" }, 1)).toEqual({
      day: "2026-12-07",
      week: "2026-12-07",
      load: true,
    });
    expect(stepAim("day", { day: "2026-12-07", week: "2026-12-07" }, -1)).toEqual({
      day: "2026-12-06",
      week: "2026-12-06",
      load: true,
    });
  });

  it("a step starts from the day and week last asked for, not from the day still on screen", () => {
    // One step from Sunday asked for Monday; Sunday's week is still shown.
    expect(viewAim("2026-12-07", "2026-12-06", "2026-12-07", "2026-12-06")).toEqual({
      day: "2026-12-07",
      week: "2026-12-07",
    });
    // Nothing asked for yet: the day on screen, in today's week.
    expect(viewAim(null, "2026-12-06", null, "2026-12-06")).toEqual({ day: "2026-12-06", week: "2026-12-06" });
  });

  it("two quick steps from a Sunday move two days: the second goes on from the first's aim", () => {
    // The first step asked for Monday's week; the screen still shows Sunday's.
    const first = stepAim("day", { day: "2026-12-06", week: "2026-12-06" }, 1);
    const second = stepAim("day", first, 1);
    expect(second).toEqual({ day: "2026-12-08", week: "2026-12-07", load: false });
    // And back again before Monday's week has arrived: Sunday's week is read again.
    expect(stepAim("day", first, -1)).toEqual({ day: "2026-12-06", week: "2026-12-06", load: true });
  });

  it("the other views step a week, to its Monday, from the week aimed at", () => {
    expect(stepAim("week", { day: "2026-12-06", week: "2026-12-06" }, 1)).toEqual({
      day: "2026-12-07",
      week: "2026-12-07",
      load: true,
    });
    const twice = stepAim("team", stepAim("team", { day: "2026-12-02", week: "2026-12-02" }, 1), 1);
    expect(twice.week).toBe("2026-12-14");
    expect(stepAim("week", { day: "2027-01-01", week: "2027-01-01" }, -1).week).toBe("2026-12-21");
  });
});

describe("week calendars (N limit)", () => {
  it("defaults to the first N in the location's order", () => {
    expect(weekCalendarIds(cals(20), undefined)).toEqual(["cal-1", "cal-2", "cal-3"]);
    expect(weekCalendarIds(cals(20), undefined, 4)).toEqual(["cal-1", "cal-2", "cal-3", "cal-4"]);
    expect(weekCalendarIds(cals(3), undefined)).toEqual(["cal-1", "cal-2", "cal-3"]);
    expect(weekCalendarIds(cals(0), undefined)).toEqual([]);
  });

  it("keeps the saved choice, in column order, dropping calendars that are gone, at most N", () => {
    expect(weekCalendarIds(cals(20), ["cal-9", "cal-2", "gone"])).toEqual(["cal-2", "cal-9"]);
    expect(weekCalendarIds(cals(20), ["cal-1", "cal-2", "cal-3", "cal-4", "cal-5", "cal-6"])).toHaveLength(3);
    expect(weekCalendarIds(cals(20), ["gone"])).toEqual(["cal-1", "cal-2", "cal-3"]);
    expect(weekCalendarIds(cals(20), [])).toEqual(["cal-1", "cal-2", "cal-3"]);
    expect(weekCalendarIds(cals(20), ["cal-5"], 2)).toEqual(["cal-5"]);
  });

  it("toggles a calendar within the limit and never empties the selection", () => {
    const all = cals(6);
    expect(toggleCalendar(["cal-1", "cal-3"], "cal-2", all)).toEqual(["cal-1", "cal-2", "cal-3"]);
    expect(toggleCalendar(["cal-1", "cal-3"], "cal-3", all)).toEqual(["cal-1"]);
    expect(toggleCalendar(["cal-1"], "cal-1", all)).toEqual(["cal-1"]);
    const full = ["cal-1", "cal-2", "cal-3"];
    expect(toggleCalendar(full, "cal-5", all)).toEqual(full);
    expect(toggleCalendar(full, "cal-5", all, 4)).toEqual(["cal-1", "cal-2", "cal-3", "cal-5"]);
    expect(toggleCalendar(["cal-1"], "nope", all)).toEqual(["cal-1"]);
  });
});

describe("preferences in storage", () => {
  it("round-trips the mode and the calendars per location", () => {
    const store = new MemoryStore();
    let prefs = withMode({}, "week");
    prefs = withWeekCalendars(prefs, "loc-1", ["cal-2", "cal-5"]);
    savePrefs(store, prefs);
    expect(JSON.parse(store.getItem(PREFS_KEY) ?? "")).toEqual({
      mode: "week",
      weekCalendars: { "loc-1": ["cal-2", "cal-5"] },
    });
    expect(loadPrefs(store)).toEqual(prefs);
    savePrefs(store, withMode(prefs, "team"));
    expect(loadPrefs(store).mode).toBe("team");
  });

  it("keeps other locations' choices", () => {
    const prefs = withWeekCalendars(withWeekCalendars({}, "a", ["1"]), "b", ["2"]);
    expect(prefs.weekCalendars).toEqual({ a: ["1"], b: ["2"] });
  });

  it("treats missing, broken or odd values as nothing saved", () => {
    const store = new MemoryStore();
    expect(loadPrefs(store)).toEqual({});
    expect(loadPrefs(null)).toEqual({});
    store.setItem(PREFS_KEY, "{not json");
    expect(loadPrefs(store)).toEqual({});
    store.setItem(PREFS_KEY, JSON.stringify({ mode: "month", weekCalendars: { a: [1, 2], b: ["x"] } }));
    expect(loadPrefs(store)).toEqual({ weekCalendars: { b: ["x"] } });
    store.setItem(PREFS_KEY, "null");
    expect(loadPrefs(store)).toEqual({});
  });

  it("a storage that throws is not an error", () => {
    const broken: KeyValueStore = {
      getItem() {
        throw new Error("denied");
      },
      setItem() {
        throw new Error("quota");
      },
    };
    expect(loadPrefs(broken)).toEqual({});
    expect(() => savePrefs(broken, { mode: "day" })).not.toThrow();
  });
});

describe("row height (density)", () => {
  it("is remembered with the other choices, and an unknown one is ignored", () => {
    const store = new MemoryStore();
    savePrefs(store, withDensity(withMode({}, "day"), "roomy"));
    expect(loadPrefs(store)).toEqual({ mode: "day", density: "roomy" });
    store.setItem(PREFS_KEY, JSON.stringify({ density: "huge" }));
    expect(loadPrefs(store)).toEqual({});
  });

  it("grows from compact to roomy; roomy gives a 15-minute cita two lines", () => {
    const heights = DENSITIES.map(slotHeight);
    expect(heights).toEqual([...heights].sort((a, b) => a - b));
    expect(new Set(heights).size).toBe(DENSITIES.length);
    // Half a 30-minute row, at ~15 px a line of text.
    expect(slotHeight("roomy") / 2).toBeGreaterThanOrEqual(32);
    expect(slotHeight("compact") / 2).toBeGreaterThanOrEqual(14);
  });
});

describe("citas on screen", () => {
  const c = (id: string, calendarId: string, start: string, end: string) =>
    ({ id, calendarId, startLocal: start, endLocal: end }) as CitaView;
  const citas = [
    c("1", "a", "2026-11-23T09:00:00", "2026-11-23T09:30:00"),
    c("2", "b", "2026-11-23T10:00:00", "2026-11-23T10:30:00"),
    c("3", "a", "2026-11-24T09:00:00", "2026-11-24T09:30:00"),
    c("4", "a", "2026-11-22T23:30:00", "2026-11-23T00:30:00"),
  ];
  it("keeps the chosen calendars for the week", () => {
    expect(citasOnScreen(citas, ["a"], null).map((x) => x.id)).toEqual(["1", "3", "4"]);
  });
  it("keeps that day's citas for the day view, with one running past midnight", () => {
    expect(citasOnScreen(citas, ["a", "b"], "2026-11-23").map((x) => x.id)).toEqual(["1", "2", "4"]);
    expect(citasOnScreen(citas, ["a", "b"], "2026-11-24").map((x) => x.id)).toEqual(["3"]);
  });
});

describe("grid skeleton", () => {
  const skeleton = {
    locationId: "loc-1",
    weekStart: "2026-11-23",
    today: "2026-11-25",
    calendars: [{ id: "cal-a", name: "Odontología", practitioner: null, isActive: true, color: "#0ea5e9" }],
  };

  it("round-trips and skips identical writes", () => {
    const store = new MemoryStore();
    const written = saveSkeleton(store, skeleton, null);
    expect(written).toBe(store.getItem(SKELETON_KEY));
    expect(loadSkeleton(store)).toEqual(skeleton);
    let writes = 0;
    const counting: KeyValueStore = { getItem: () => null, setItem: () => void writes++ };
    expect(saveSkeleton(counting, skeleton, written)).toBe(written);
    expect(writes).toBe(0);
  });

  it("ignores anything malformed", () => {
    const store = new MemoryStore();
    expect(loadSkeleton(store)).toBeNull();
    for (const bad of [
      "{",
      "null",
      JSON.stringify({ ...skeleton, calendars: [] }),
      JSON.stringify({ ...skeleton, weekStart: "monday" }),
      JSON.stringify({ ...skeleton, calendars: [{ id: 1 }] }),
    ]) {
      store.setItem(SKELETON_KEY, bad);
      expect(loadSkeleton(store)).toBeNull();
    }
  });
});

describe("todayAsFirstWeek", () => {
  const column = (id: string) => ({ id, name: id, practitioner: null, isActive: true, color: "#0ea5e9" });
  const agenda = (n: number) => ({
    location: { id: "loc", name: "Clínica", timeZone: "America/Lima" },
    date: "2026-12-04",
    calendars: Array.from({ length: n }, (_, i) => column(`cal-${i}`)),
    citas: [],
  });

  it("draws today's day view from today's agenda when that is the first screen", () => {
    const first = todayAsFirstWeek(agenda(20) as never, {});
    expect(first?.weekStart).toBe("2026-11-30");
    expect(first?.today).toBe("2026-12-04");
    expect(first?.calendars).toHaveLength(20);
    expect(todayAsFirstWeek(agenda(3) as never, { mode: "day" })?.today).toBe("2026-12-04");
  });

  it("waits for the week when the first screen shows the week", () => {
    expect(todayAsFirstWeek(agenda(3) as never, {})).toBeNull(); // the demo: its week
    expect(todayAsFirstWeek(agenda(8) as never, {})).toBeNull(); // the team's week
    expect(todayAsFirstWeek(agenda(20) as never, { mode: "team" })).toBeNull();
    expect(todayAsFirstWeek(agenda(0) as never, { mode: "day" })).toBeNull();
  });
});

describe("sameCitas", () => {
  const cita = (id: string, over: Partial<CitaView> = {}): CitaView => ({
    id,
    calendarId: "cal",
    contactId: null,
    patientName: "Ana",
    title: "Control",
    status: "confirmed",
    startLocal: "2026-12-04T09:00:00",
    endLocal: "2026-12-04T09:30:00",
    startUtc: "2026-12-04T14:00:00Z",
    endUtc: "2026-12-04T14:30:00Z",
    syncState: "synced",
    reminder: null,
    ...over,
  });

  it("is true for equal lists read twice", () => {
    expect(sameCitas([cita("a"), cita("b")], [cita("a"), cita("b")])).toBe(true);
    expect(sameCitas([], [])).toBe(true);
  });

  it("is false when any field, the order or the count differs", () => {
    expect(sameCitas([cita("a")], [cita("a", { status: "cancelled" })])).toBe(false);
    expect(sameCitas([cita("a")], [cita("a", { reminder: "sent" })])).toBe(false);
    expect(sameCitas([cita("a"), cita("b")], [cita("b"), cita("a")])).toBe(false);
    expect(sameCitas([cita("a")], [cita("a"), cita("b")])).toBe(false);
  });
});
