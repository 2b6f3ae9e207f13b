import { describe, expect, it } from "vitest";
import type { DeskSession } from "../bindings/DeskSession";
import { can, currentRole, idleLockDue, isLocked, validPin } from "./staff";

function session(over: Partial<DeskSession> = {}): DeskSession {
  return { signInRequired: true, person: null, staff: [], lockAfterMinutes: 10, ghlUsers: [], ...over };
}
const rosa = { id: "st-1", name: "Rosa", role: "recepcion" as const, ghlUserId: null, lockedUntil: null };
const gabi = { ...rosa, id: "st-2", name: "Gabriela", role: "gerencia" as const };

describe("staff", () => {
  it("locks the desk only when sign-in is on and nobody is signed in", () => {
    expect(isLocked(null)).toBe(false);
    expect(isLocked(session({ signInRequired: false }))).toBe(false);
    expect(isLocked(session())).toBe(true);
    expect(isLocked(session({ person: rosa }))).toBe(false);
  });

  it("lets each role do what it covers", () => {
    expect(can(session({ person: rosa }), "recepcion")).toBe(true);
    expect(can(session({ person: rosa }), "gerencia")).toBe(false);
    expect(can(session({ person: gabi }), "gerencia")).toBe(true);
    expect(can(session(), "recepcion")).toBe(false);
    // A desk without staff works as before.
    expect(currentRole(session({ signInRequired: false }))).toBe("gerencia");
  });

  it("locks after the idle minutes, never with 0", () => {
    expect(idleLockDue(0, 9 * 60_000, 10)).toBe(false);
    expect(idleLockDue(0, 10 * 60_000, 10)).toBe(true);
    expect(idleLockDue(0, 10_000 * 60_000, 0)).toBe(false);
  });

  it("takes PINs of 4 to 8 digits", () => {
    expect(validPin("1234")).toBe(true);
    expect(validPin(" 12345678 ")).toBe(true);
    expect(validPin("123")).toBe(false);
    expect(validPin("12a4")).toBe(false);
  });
});
