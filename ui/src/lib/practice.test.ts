import { describe, expect, it } from "vitest";
import { blockEventHtml, blockProps, practiceToEvents, type PracticeSpans } from "./calendar";

const practice: PracticeSpans = {
  closed: [
    { calendarId: "fisio", start: "2026-11-23T00:00:00", end: "2026-11-23T08:00:00" },
    { calendarId: "nutri", start: "2026-11-23T00:00:00", end: "2026-11-23T09:00:00" },
  ],
  blocks: [
    { id: "b1", calendarId: "fisio", userId: null, title: "Almuerzo", start: "2026-11-23T13:00:00", end: "2026-11-23T14:00:00", pending: false },
    { id: "b2", calendarId: null, userId: "u-rosa", title: "Vacaciones <3", start: "2026-11-24T00:00:00", end: "2026-11-25T00:00:00", pending: true },
    { id: "b3", calendarId: "hidden", userId: null, title: "Otro", start: "2026-11-23T10:00:00", end: "2026-11-23T11:00:00", pending: false },
  ],
};
const practitioners = new Map<string, string | null>([
  ["fisio", "u-lucia"],
  ["nutri", "u-rosa"],
  ["nutri-2", "u-rosa"],
]);

describe("practiceToEvents", () => {
  it("shades closed time and draws blocks in their columns only", () => {
    const events = practiceToEvents(practice, ["fisio", "nutri", "nutri-2"], practitioners);
    const closed = events.filter((e) => e.display === "background");
    expect(closed.map((e) => e.resourceIds)).toEqual([["fisio"], ["nutri"]]);
    expect(closed.every((e) => e.classNames?.includes("closed-time"))).toBe(true);
    const blocks = events.filter((e) => e.display !== "background");
    expect(blocks.map((e) => e.id)).toEqual(["block-b1", "block-b2"]);
    // A practitioner's block covers each of their calendars, and is not dragged.
    expect(blocks[1]?.resourceIds).toEqual(["nutri", "nutri-2"]);
    expect(blocks[1]?.editable).toBe(false);
    expect(blocks[0]?.editable).toBe(true);
    expect(blocks[1]?.classNames).toContain("cita-pending-push");
  });

  it("draws nothing without data or off-screen calendars", () => {
    expect(practiceToEvents(null, ["fisio"], practitioners)).toEqual([]);
    expect(practiceToEvents(practice, ["other"], practitioners)).toEqual([]);
  });

  it("reads back a block and escapes its text", () => {
    const [, b2] = practiceToEvents(practice, ["nutri"], practitioners).filter((e) => e.display !== "background");
    expect(b2).toBeUndefined();
    const [block] = practiceToEvents(practice, ["nutri"], practitioners).filter((e) => e.display !== "background");
    const p = blockProps(block?.extendedProps ?? {});
    expect(p?.blockId).toBe("b2");
    const html = blockEventHtml(p!, "Bloqueado");
    expect(html).toContain("Vacaciones &lt;3");
    expect(html).toContain('data-block-id="b2"');
    expect(blockProps({ citaId: "x" })).toBeNull();
  });
});

import { filterByPractice, groupCalendars, roomsOf, type PracticeLike } from "./practice";

const view: PracticeLike = {
  calendars: [
    { id: "fisio", groupId: "g-rehab", groupName: "Rehabilitación", roomIds: ["r1"] },
    { id: "medicina", groupId: "g-consulta", groupName: "Consultas", roomIds: ["r1", "eco"] },
    { id: "nutri", groupId: "g-consulta", groupName: "Consultas", roomIds: [] },
  ],
  rooms: [
    { id: "r1", name: "Consultorio 1", kind: "rooms", calendarIds: ["fisio", "medicina"], isActive: true },
    { id: "eco", name: "Ecógrafo", kind: "equipments", calendarIds: ["medicina"], isActive: true },
  ],
};
const cols = [
  { id: "fisio", name: "Fisioterapia", practitioner: null, isActive: true, color: "#039be5" },
  { id: "medicina", name: "Medicina", practitioner: null, isActive: true, color: "#33b679" },
  { id: "nutri", name: "Nutrición", practitioner: null, isActive: true, color: "#f6bf26" },
];

describe("the practice filters", () => {
  it("keep a specialty's or a room's calendars", () => {
    expect(filterByPractice(cols, view, "g-consulta", null).map((c) => c.id)).toEqual(["medicina", "nutri"]);
    expect(filterByPractice(cols, view, null, "r1").map((c) => c.id)).toEqual(["fisio", "medicina"]);
    expect(filterByPractice(cols, view, "g-consulta", "r1").map((c) => c.id)).toEqual(["medicina"]);
    // Stale or no choice: everything.
    expect(filterByPractice(cols, view, "gone", null)).toHaveLength(3);
    expect(filterByPractice(cols, null, "g-consulta", null)).toHaveLength(3);
    expect(filterByPractice(cols, view, "g-rehab", "eco")).toHaveLength(3);
  });

  it("group the picker by specialty and name a calendar's rooms", () => {
    expect(groupCalendars(cols, view).map((g) => [g.group, g.calendars.map((c) => c.id)])).toEqual([
      ["Rehabilitación", ["fisio"]],
      ["Consultas", ["medicina", "nutri"]],
    ]);
    expect(groupCalendars(cols, null)).toEqual([{ group: "", calendars: cols }]);
    expect(roomsOf("medicina", view)).toEqual(["Consultorio 1"]);
    expect(roomsOf("nutri", view)).toEqual([]);
  });
});

import { roomView } from "./practice";

describe("the day by room", () => {
  it("puts each cita in the columns of its calendar's rooms", () => {
    const citas = [
      { id: "a", calendarId: "fisio" },
      { id: "b", calendarId: "medicina" },
      { id: "c", calendarId: "nutri" },
    ];
    const v = roomView(view, cols, citas);
    expect(v.columns.map((c) => [c.id, c.name, c.color])).toEqual([["r1", "Consultorio 1", "#039be5"]]);
    expect(v.citas.map((c) => [c.id, c.calendarId])).toEqual([
      ["a", "r1"],
      ["b", "r1"],
    ]);
    expect(v.calendarOf.get("r1")).toBe("fisio");
    expect(roomView(null, cols, citas).columns).toEqual([]);
  });
});
