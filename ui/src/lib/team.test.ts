import { describe, expect, it } from "vitest";
import type { CalendarColumn } from "../bindings/CalendarColumn";
import type { CitaView } from "../bindings/CitaView";
import { teamWeek } from "./team";

const column = (id: string, color = "#0ea5e9"): CalendarColumn => ({ id, name: id, practitioner: null, isActive: true, color });

function cita(id: string, calendarId: string, start: string, end: string, status = "confirmed"): CitaView {
  return {
    id,
    calendarId,
    contactId: null,
    patientName: `Paciente ${id}`,
    title: "Control",
    status,
    startLocal: start,
    endLocal: end,
    startUtc: "",
    endUtc: "",
    syncState: "synced",
    reminder: null,
  };
}

const practice = {
  calendars: [
    { id: "fisio-1", groupId: "g-f", groupName: "Fisioterapia", roomIds: [] },
    { id: "nutri", groupId: "g-n", groupName: "Nutrición", roomIds: [] },
    { id: "fisio-2", groupId: "g-f", groupName: "Fisioterapia", roomIds: [] },
  ],
  rooms: [],
};

describe("teamWeek", () => {
  const calendars = [column("fisio-1"), column("nutri"), column("fisio-2")];

  it("puts each cita in its practitioner's row and its day's cell, in time order", () => {
    const view = teamWeek(
      "2026-11-23",
      calendars,
      [
        cita("b", "fisio-1", "2026-11-23T10:00:00", "2026-11-23T10:30:00"),
        cita("a", "fisio-1", "2026-11-23T09:00:00", "2026-11-23T09:30:00"),
        cita("c", "nutri", "2026-11-29T18:00:00", "2026-11-29T18:45:00", "cancelled"),
        cita("late", "fisio-2", "2026-11-25T23:30:00", "2026-11-26T00:30:00"),
      ],
      null,
    );
    expect(view.days).toEqual(["2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27", "2026-11-28", "2026-11-29"]);
    expect(view.rows.map((r) => r.calendar.id)).toEqual(["fisio-1", "nutri", "fisio-2"]);
    const monday = view.rows[0]?.cells[0];
    expect(monday?.citas.map((p) => p.citaId)).toEqual(["a", "b"]);
    expect(monday?.booked).toBe(2);
    // A cancelled cita is shown (struck through) but frees the time.
    const sunday = view.rows[1]?.cells[6];
    expect(sunday?.citas.map((p) => p.citaId)).toEqual(["c"]);
    expect(sunday?.booked).toBe(0);
    // Past midnight: in the day it starts, once.
    expect(view.rows[2]?.cells[2]?.citas.map((p) => p.citaId)).toEqual(["late"]);
    expect(view.rows[2]?.cells[3]?.citas).toEqual([]);
  });

  it("leaves out citas of other calendars and other weeks", () => {
    const view = teamWeek(
      "2026-11-23",
      calendars,
      [
        cita("x", "other", "2026-11-23T09:00:00", "2026-11-23T09:30:00"),
        cita("y", "nutri", "2026-11-30T09:00:00", "2026-11-30T09:30:00"),
        cita("z", "nutri", "2026-11-22T09:00:00", "2026-11-22T09:30:00"),
      ],
      null,
    );
    expect(view.rows.flatMap((r) => r.cells.flatMap((c) => c.citas))).toEqual([]);
  });

  it("groups rows by specialty and marks where each group starts", () => {
    const view = teamWeek("2026-11-23", calendars, [], practice);
    expect(view.rows.map((r) => [r.calendar.id, r.group, r.groupStart])).toEqual([
      ["fisio-1", "Fisioterapia", true],
      ["fisio-2", "Fisioterapia", false],
      ["nutri", "Nutrición", true],
    ]);
  });
});
