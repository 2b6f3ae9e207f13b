import { describe, expect, it } from "vitest";
import type { ConnectionInfo } from "../bindings/ConnectionInfo";
import { activeLocationId, switcherChoices } from "./locations";

function conn(locationId: string, name: string, active = false): ConnectionInfo {
  return { locationId, name, timeZone: "America/Lima", baseUrl: "http://x", authKind: "pit", active };
}

describe("location switcher", () => {
  it("is hidden with one location", () => {
    expect(switcherChoices([conn("A", "Sede Centro", true)])).toEqual([]);
    expect(switcherChoices([])).toEqual([]);
  });

  it("lists every location by name, the active one chosen", () => {
    const list = [conn("B", "Sede Norte"), conn("A", "Sede Centro", true)];
    expect(switcherChoices(list).map((c) => c.locationId)).toEqual(["A", "B"]);
    expect(activeLocationId(list)).toBe("A");
    expect(activeLocationId([conn("B", "Sede Norte")])).toBe("B");
  });
});
