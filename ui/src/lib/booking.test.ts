import { describe, expect, it } from "vitest";
import type { BookingCheck } from "../bindings/BookingCheck";
import type { CalendarColumn } from "../bindings/CalendarColumn";
import type { Finding } from "../bindings/Finding";
import {
  addMinutes,
  emptyForm,
  groupSlots,
  initialCalendarId,
  isCheckable,
  minutesBetween,
  moveFromDrop,
  nextHalfHour,
  offerGhlSearch,
  orderFindings,
  saveState,
  slotFromClick,
  toRequest,
  type BookingForm,
} from "./booking";

const overlap: Finding = { code: "booking.overlap", severity: "warning", message: "Se cruza", conflictingCitaId: "c9" };
const short: Finding = { code: "booking.too_short", severity: "blocking", message: "Muy corta", conflictingCitaId: null };

function check(over: Partial<BookingCheck> = {}): BookingCheck {
  return { findings: [], canSave: true, needsOverride: false, mode: "flexible", startLocal: null, endLocal: null, rooms: [], ...over };
}

function form(over: Partial<BookingForm> = {}): BookingForm {
  return { ...emptyForm("cal1", "2026-11-24", "09:00", 30), contactId: "ct1", ...over };
}

describe("booking request", () => {
  it("sends an existing patient by id and numbers, not bigints (they cannot cross IPC as JSON)", () => {
    const r = toRequest(form({ title: "  Control ", notes: "  " }));
    expect(r).toEqual({
      calendarId: "cal1",
      patient: { kind: "existing", contactId: "ct1" },
      date: "2026-11-24",
      start: "09:00",
      durationMinutes: 30,
      title: "Control",
      notes: null,
      overrideReason: null,
    });
    expect(() => JSON.stringify(r)).not.toThrow();
  });

  it("sends a new patient with blank fields as null, and no patient when nothing is typed", () => {
    const r = toRequest(form({ patientMode: "new", firstName: " Ana ", lastName: "", phone: "987 654 321", email: " " }));
    expect(r.patient).toEqual({ kind: "new", firstName: "Ana", lastName: "", phone: "987 654 321", email: null });
    expect(toRequest(form({ patientMode: "new" })).patient).toBeNull();
    expect(toRequest(form({ contactId: null })).patient).toBeNull();
  });

  it("is checkable only with a calendar, a real date, an HH:MM start and a positive duration", () => {
    expect(isCheckable(form())).toBe(true);
    expect(isCheckable(form({ calendarId: "" }))).toBe(false);
    expect(isCheckable(form({ date: "2026-13-01" }))).toBe(false);
    expect(isCheckable(form({ start: "9:00" }))).toBe(false);
    expect(isCheckable(form({ start: "24:00" }))).toBe(false);
    expect(isCheckable(form({ durationMinutes: 0 }))).toBe(false);
    expect(isCheckable(form({ durationMinutes: Number.NaN }))).toBe(false);
  });
});

describe("Guardar", () => {
  it("is enabled when the check passes and a patient is chosen", () => {
    expect(saveState(form(), check(), false)).toEqual({ enabled: true, hint: null });
  });

  it("waits for the core's check and for a patient", () => {
    expect(saveState(form(), null, false)).toEqual({ enabled: false, hint: "booking.hint.checking" });
    expect(saveState(form({ contactId: null }), check(), false).hint).toBe("booking.hint.patient");
    expect(saveState(form({ patientMode: "new", phone: "1" }), check(), false).hint).toBe("booking.hint.firstName");
    expect(saveState(form({ patientMode: "new", firstName: "Ana" }), check(), false).hint).toBe("booking.hint.contact");
    expect(saveState(form({ patientMode: "new", firstName: "Ana", email: "a@b.pe" }), check(), false).enabled).toBe(true);
  });

  it("needs an override reason for warnings in flexible mode", () => {
    const c = check({ findings: [overlap], needsOverride: true });
    expect(saveState(form(), c, false)).toEqual({ enabled: false, hint: "booking.hint.reason" });
    expect(saveState(form({ overrideReason: "   " }), c, false).enabled).toBe(false);
    expect(saveState(form({ overrideReason: "Urgencia" }), c, false).enabled).toBe(true);
  });

  it("stays disabled while blocking findings remain (strict mode), reason or not", () => {
    const strict = check({ findings: [{ ...overlap, severity: "blocking" }], canSave: false, mode: "strict" });
    expect(saveState(form({ overrideReason: "Urgencia" }), strict, false)).toEqual({
      enabled: false,
      hint: "booking.hint.blocked",
    });
    // Even if the core's summary were to say canSave, a blocking finding wins.
    expect(saveState(form(), check({ findings: [short] }), false).enabled).toBe(false);
  });

  it("is disabled while saving", () => {
    expect(saveState(form(), check(), true).enabled).toBe(false);
  });

  it("lists blocking findings before warnings", () => {
    expect(orderFindings([overlap, short]).map((f) => f.code)).toEqual(["booking.too_short", "booking.overlap"]);
  });
});

describe("dialog defaults", () => {
  const cals: CalendarColumn[] = [
    { id: "off", name: "Cerrado", practitioner: null, isActive: false, color: "#000" },
    { id: "a", name: "A", practitioner: null, isActive: true, color: "#000" },
    { id: "b", name: "B", practitioner: null, isActive: true, color: "#000" },
  ];
  it("opens on the clicked column, else the location's default, else the first active calendar", () => {
    expect(initialCalendarId(cals, "b", "a")).toBe("b");
    expect(initialCalendarId(cals, null, "b")).toBe("b");
    expect(initialCalendarId(cals, "gone", "gone-too")).toBe("a");
    expect(initialCalendarId([], null, null)).toBe("");
  });

  it("adds minutes to a start and rounds now up to the next half hour", () => {
    expect(addMinutes("09:40", 30)).toBe("10:10");
    expect(addMinutes("23:45", 30)).toBe("00:15");
    expect(nextHalfHour("09:10")).toBe("09:30");
    expect(nextHalfHour("09:30")).toBe("10:00");
    expect(nextHalfHour("23:50")).toBe("23:30");
  });

  it("groups free slots by day, sorted, without repeats", () => {
    const slots = [
      { date: "2026-11-25", start: "10:00" },
      { date: "2026-11-24", start: "15:00" },
      { date: "2026-11-24", start: "09:00" },
      { date: "2026-11-24", start: "09:00" },
      { date: "2026-11-26", start: "08:00" },
    ];
    expect(groupSlots(slots, 2)).toEqual([
      { date: "2026-11-24", starts: ["09:00", "15:00"] },
      { date: "2026-11-25", starts: ["10:00"] },
    ]);
    expect(groupSlots(slots, 5, 1)[0]).toEqual({ date: "2026-11-24", starts: ["09:00"] });
  });

  it("offers GHL's search when the local one finds little", () => {
    expect(offerGhlSearch("an", 0)).toBe(true);
    expect(offerGhlSearch("a", 0)).toBe(false);
    expect(offerGhlSearch("ana", 12)).toBe(false);
  });
});

describe("grid interactions", () => {
  // EventCalendar's dates carry the location's wall time in their local fields.
  const at = (y: number, mo: number, d: number, h: number, mi: number) => new Date(y, mo - 1, d, h, mi);

  it("turns a click on an empty time into a date and a start", () => {
    expect(slotFromClick(at(2026, 11, 24, 14, 30))).toEqual({ date: "2026-11-24", start: "14:30" });
  });

  it("turns a drop into a Move with the new duration, naming the calendar only when it changed", () => {
    expect(moveFromDrop(at(2026, 11, 25, 8, 0), at(2026, 11, 25, 8, 45), "cal1", "cal1")).toEqual({
      kind: "move",
      date: "2026-11-25",
      start: "08:00",
      durationMinutes: 45,
      calendarId: null,
      overrideReason: null,
    });
    expect(moveFromDrop(at(2026, 11, 25, 8, 0), at(2026, 11, 25, 8, 30), "cal2", "cal1").calendarId).toBe("cal2");
  });

  it("measures a cita's length from its wall-clock strings", () => {
    expect(minutesBetween("2026-11-24T09:00:00", "2026-11-24T09:40:00")).toBe(40);
    expect(minutesBetween("2026-11-24T23:30:00", "2026-11-25T00:15:00")).toBe(45);
    expect(minutesBetween("bad", "2026-11-25T00:15:00")).toBe(0);
  });
});
