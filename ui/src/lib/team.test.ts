import { describe, expect, it } from "vitest";
import type { CalendarColumn } from "../bindings/CalendarColumn";
import type { CitaView } from "../bindings/CitaView";
import { cellEntries, teamWeek } from "./team";

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

describe("teamWeek's blocks and closed days", () => {
  const calendars = [column("fisio-1"), column("nutri"), column("fisio-2")];
  const practitioners = new Map<string, string | null>([
    ["fisio-1", "u-lucia"],
    ["nutri", "u-rosa"],
    ["fisio-2", "u-lucia"],
  ]);
  const spans = {
    closed: [
      // Sunday closed all day for fisio-1; Monday only before 08:00.
      { calendarId: "fisio-1", start: "2026-11-29T00:00:00", end: "2026-11-30T00:00:00" },
      { calendarId: "fisio-1", start: "2026-11-23T00:00:00", end: "2026-11-23T08:00:00" },
    ],
    blocks: [
      { id: "lunch", calendarId: "nutri", userId: null, title: "Almuerzo", start: "2026-11-24T13:00:00", end: "2026-11-24T14:00:00", pending: false },
      // Lucía's course, Wednesday noon to Thursday's end: both her calendars.
      { id: "course", calendarId: null, userId: "u-lucia", title: "Curso", start: "2026-11-25T12:00:00", end: "2026-11-27T00:00:00", pending: true },
    ],
  };

  it("puts a calendar's block in its cell and a practitioner's in each of their calendars, on each day it covers", () => {
    const view = teamWeek("2026-11-23", calendars, [], null, spans, practitioners);
    const row = (id: string) => view.rows.find((r) => r.calendar.id === id);
    expect(row("nutri")?.cells[1]?.blocks).toEqual([{ blockId: "lunch", title: "Almuerzo", from: "13:00", allDay: false, pending: false, start: "2026-11-24T13:00:00" }]);
    for (const id of ["fisio-1", "fisio-2"]) {
      expect(row(id)?.cells[2]?.blocks).toEqual([{ blockId: "course", title: "Curso", from: "12:00", allDay: false, pending: true, start: "2026-11-25T12:00:00" }]);
      expect(row(id)?.cells[3]?.blocks).toEqual([{ blockId: "course", title: "Curso", from: null, allDay: true, pending: true, start: "2026-11-25T12:00:00" }]);
      expect(row(id)?.cells[4]?.blocks).toEqual([]);
    }
    expect(row("nutri")?.cells[2]?.blocks).toEqual([]);
  });

  it("marks a day closed only when the schedule closes all of it", () => {
    const view = teamWeek("2026-11-23", calendars, [], null, spans, practitioners);
    const fisio = view.rows.find((r) => r.calendar.id === "fisio-1");
    expect(fisio?.cells.map((c) => c.closed)).toEqual([false, false, false, false, false, false, true]);
    expect(view.rows.find((r) => r.calendar.id === "nutri")?.cells.some((c) => c.closed)).toBe(false);
  });
});

describe("cellEntries", () => {
  it("lists a cell's citas and blocks in time order", () => {
    const spans = {
      closed: [],
      blocks: [
        { id: "meeting", calendarId: "a", userId: null, title: "Reunión", start: "2026-11-23T10:00:00", end: "2026-11-23T11:00:00", pending: false },
        { id: "trip", calendarId: "a", userId: null, title: "Viaje", start: "2026-11-22T18:00:00", end: "2026-11-23T09:00:00", pending: false },
      ],
    };
    const view = teamWeek(
      "2026-11-23",
      [column("a")],
      [
        cita("late", "a", "2026-11-23T12:00:00", "2026-11-23T12:30:00"),
        cita("early", "a", "2026-11-23T09:00:00", "2026-11-23T09:30:00"),
      ],
      null,
      spans,
    );
    const cell = view.rows[0]?.cells[0];
    expect(cell && cellEntries(cell).map((e) => (e.kind === "cita" ? e.cita.citaId : e.block.blockId))).toEqual([
      "trip",
      "early",
      "meeting",
      "late",
    ]);
  });
});
