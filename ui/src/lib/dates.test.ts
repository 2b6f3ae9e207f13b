import { describe, expect, it } from "vitest";
import { addDays, dayHeaderLabel, locationNow, mondayOf, parseIsoDate, timeRange, wallDate, wallTime, weekRangeLabel } from "./dates";

describe("wall-clock strings", () => {
  it("reads HH:MM without any zone conversion", () => {
    expect(wallTime("2026-11-23T09:05:00")).toBe("09:05");
    expect(wallTime("2026-11-23T23:59")).toBe("23:59");
    expect(wallDate("2026-11-23T09:05:00")).toBe("2026-11-23");
    expect(timeRange("2026-11-23T09:00:00", "2026-11-23T09:30:00")).toBe("09:00 - 09:30");
  });
});

describe("addDays", () => {
  it("crosses month and year ends", () => {
    expect(addDays("2026-11-30", 1)).toBe("2026-12-01");
    expect(addDays("2026-12-28", 7)).toBe("2027-01-04");
    expect(addDays("2026-03-02", -7)).toBe("2026-02-23");
  });
  it("is not shifted by a daylight-saving change", () => {
    // US and Chile change clocks around these dates; a calendar date does not care.
    expect(addDays("2026-03-02", 7)).toBe("2026-03-09");
    expect(addDays("2026-04-01", 7)).toBe("2026-04-08");
  });
  it("rejects malformed dates", () => {
    expect(() => addDays("2026-02-30", 1)).toThrow();
    expect(parseIsoDate("23/11/2026")).toBeNull();
  });
});

describe("labels", () => {
  it("writes day headings as es-PE 'lun 23/11' and en 'Mon 11/23'", () => {
    expect(dayHeaderLabel("2026-11-23", "es-PE")).toBe("lun 23/11");
    expect(dayHeaderLabel("2026-11-23", "en")).toBe("Mon 11/23");
  });
  it("writes the week range Monday to Sunday", () => {
    const es = weekRangeLabel("2026-11-23", "es-PE");
    expect(es).toMatch(/23/);
    expect(es).toMatch(/29/);
    expect(es).toMatch(/nov/);
    const en = weekRangeLabel("2026-11-30", "en");
    expect(en).toMatch(/Nov 30/);
    expect(en).toMatch(/Dec 6/);
  });
});

describe("locationNow", () => {
  it("tells the time in the location's zone", () => {
    expect(locationNow("America/Lima", new Date("2026-03-02T15:07:00Z"))).toBe("10:07");
  });

  it("starts at 09:00 when the zone is unknown", () => {
    expect(locationNow("Not/AZone", new Date("2026-03-02T15:07:00Z"))).toBe("09:00");
  });
});

describe("mondayOf", () => {
  it("gives the Monday of the date's week, across months and years", () => {
    expect(mondayOf("2026-12-04")).toBe("2026-11-30"); // a Friday
    expect(mondayOf("2026-11-30")).toBe("2026-11-30"); // a Monday
    expect(mondayOf("2026-12-06")).toBe("2026-11-30"); // a Sunday
    expect(mondayOf("2027-01-01")).toBe("2026-12-28");
    expect(() => mondayOf("04/12/2026")).toThrow();
  });
});
