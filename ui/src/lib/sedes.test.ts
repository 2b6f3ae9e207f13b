import { describe, expect, it } from "vitest";
import type { SedesDay } from "../bindings/SedesDay";
import { sedesColumns } from "./sedes";

const column = (id: string, name: string) => ({ id, name, practitioner: null, isActive: true, color: "#0f766e" });

describe("all sedes together", () => {
  it("groups the columns by sede, each named with its sede", () => {
    const day: SedesDay = {
      date: "2026-11-23",
      activeLocationId: "A",
      sedes: [
        { location: { id: "A", name: "Centro", timeZone: "America/Lima" }, date: "2026-11-23", calendars: [column("a1", "Medicina"), column("a2", "Fisio")], citas: [] },
        { location: { id: "B", name: "Norte", timeZone: "America/Lima" }, date: "2026-11-23", calendars: [column("b1", "Medicina")], citas: [] },
      ],
    };
    const s = sedesColumns(day);
    expect(s.calendars.map((c) => c.name)).toEqual(["Centro · Medicina", "Centro · Fisio", "Norte · Medicina"]);
    expect(s.sedeOfCalendar.get("b1")).toBe("B");
  });
});
