import { describe, expect, it } from "vitest";
import {
  addDays,
  dayHeaderLabel,
  locationNow,
  longDateLabel,
  monthLabel,
  mondayOf,
  parseIsoDate,
  timeRange,
  wallDate,
  wallTime,
  weekdayNames,
  weekRangeLabel,
} from "./dates";

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
  it("writes day headings as es-PE 'lun 23/11' and en 'Mon 11/23', days and months in two digits", () => {
    expect(dayHeaderLabel("2026-11-23", "es-PE")).toBe("lun 23/11");
    expect(dayHeaderLabel("2026-11-23", "en")).toBe("Mon 11/23");
    expect(dayHeaderLabel("2026-09-07", "es-PE")).toBe("lun 07/09");
    expect(dayHeaderLabel("2026-09-07", "en")).toBe("Mon 09/07");
    expect(dayHeaderLabel("2026-12-06", "es-PE")).toBe("dom 06/12");
    expect(dayHeaderLabel("2026-12-05", "en")).toBe("Sat 12/05");
  });
  it("writes the long date with the weekday, Peru's 'setiembre' included", () => {
    expect(longDateLabel("2026-11-23", "es-PE")).toBe("lunes, 23 de noviembre de 2026");
    expect(longDateLabel("2026-09-02", "es-PE")).toBe("miércoles, 2 de setiembre de 2026");
    expect(longDateLabel("2026-12-06", "en")).toBe("Sunday, December 6, 2026");
    expect(longDateLabel("2027-01-01", "en")).toBe("Friday, January 1, 2027");
    expect(longDateLabel("2026-02-30", "en")).toBe("2026-02-30");
  });
  it("writes the week range Monday to Sunday, the shared month and year once", () => {
    expect(weekRangeLabel("2026-11-23", "es-PE")).toBe("23–29 nov 2026");
    expect(weekRangeLabel("2026-11-30", "es-PE")).toBe("30 nov – 6 dic 2026");
    expect(weekRangeLabel("2026-12-28", "es-PE")).toBe("28 dic 2026 – 3 ene 2027");
    expect(weekRangeLabel("2026-11-23", "en")).toBe("Nov 23–29, 2026");
    expect(weekRangeLabel("2026-11-30", "en")).toBe("Nov 30 – Dec 6, 2026");
    expect(weekRangeLabel("2026-12-28", "en")).toBe("Dec 28, 2026 – Jan 3, 2027");
    expect(weekRangeLabel("not-a-date", "en")).toBe("not-a-date");
  });
  it("names the month and the weekdays, Monday first", () => {
    expect(monthLabel("2026-11", "es-PE")).toBe("noviembre de 2026");
    expect(monthLabel("2026-09", "es-PE")).toBe("setiembre de 2026");
    expect(monthLabel("2026-11", "en")).toBe("November 2026");
    expect(weekdayNames("en")).toEqual(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]);
    expect(weekdayNames("es-PE")).toEqual(["lun", "mar", "mié", "jue", "vie", "sáb", "dom"]);
  });
  it("names every day of two years with its weekday", () => {
    // Each weekday name against the day count from a known Monday.
    const english = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
    let weekday = 0; // 2026-01-05 is a Monday
    for (let date = "2026-01-05"; date < "2028-01-01"; date = addDays(date, 1)) {
      expect(longDateLabel(date, "en").split(",")[0]).toBe(english[weekday]);
      expect(dayHeaderLabel(date, "es-PE").slice(0, 3)).toBe(weekdayNames("es-PE")[weekday]);
      weekday = (weekday + 1) % 7;
    }
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
