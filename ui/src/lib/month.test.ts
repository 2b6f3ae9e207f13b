import { describe, expect, it } from "vitest";
import { busiestCalendars, busyShare, monthOf, stepMonth, weeksOf } from "./month";

describe("month view", () => {
  it("steps across years", () => {
    expect(stepMonth("2026-12", 1)).toBe("2027-01");
    expect(stepMonth("2026-01", -1)).toBe("2025-12");
    expect(stepMonth("2026-11", 0)).toBe("2026-11");
    expect(monthOf("2026-11-23")).toBe("2026-11");
  });

  it("cuts the grid into weeks", () => {
    expect(weeksOf([...Array(35).keys()]).map((w) => w.length)).toEqual([7, 7, 7, 7, 7]);
  });

  it("says how busy a day is and which calendars", () => {
    expect(busyShare({ openMinutes: 600, freeMinutes: 150 })).toBe(0.75);
    expect(busyShare({ openMinutes: 0, freeMinutes: 0 })).toBe(0);
    const day = {
      calendars: [
        { calendarId: "a", citas: 1, openMinutes: 60, freeMinutes: 0, freeSlots: 0 },
        { calendarId: "b", citas: 0, openMinutes: 60, freeMinutes: 60, freeSlots: 2 },
        { calendarId: "c", citas: 5, openMinutes: 60, freeMinutes: 0, freeSlots: 0 },
        { calendarId: "d", citas: 2, openMinutes: 60, freeMinutes: 0, freeSlots: 0 },
      ],
    };
    expect(busiestCalendars(day, 2)).toEqual({
      shown: [
        { calendarId: "c", citas: 5 },
        { calendarId: "d", citas: 2 },
      ],
      more: 1,
    });
  });
});
