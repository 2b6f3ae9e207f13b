// Who is at the desk, as the UI needs it: pure rules over the core's
// DeskSession. The core enforces roles; these only decide what to show.

import type { DeskSession } from "../bindings/DeskSession";
import type { Role } from "../bindings/Role";

/** Signing in is on and nobody is signed in: only the lock screen shows. */
export function isLocked(session: DeskSession | null): boolean {
  return !!session && session.signInRequired && !session.person;
}

/** The role the desk acts with now: a desk without staff acts as before (all). */
export function currentRole(session: DeskSession | null): Role | null {
  if (!session) return null;
  if (!session.signInRequired) return "gerencia";
  return session.person?.role ?? null;
}

const RANK: Record<Role, number> = { recepcion: 0, gerencia: 1 };

/** Whether the person at the desk may do what `needed` allows. */
export function can(session: DeskSession | null, needed: Role): boolean {
  const role = currentRole(session);
  return role !== null && RANK[role] >= RANK[needed];
}

/** The idle lock is due: `minutes` of no input (0 never locks). */
export function idleLockDue(lastActivityMs: number, nowMs: number, minutes: number): boolean {
  return minutes > 0 && nowMs - lastActivityMs >= minutes * 60_000;
}

/** A PIN is 4 to 8 digits (the core checks it again). */
export function validPin(pin: string): boolean {
  return /^[0-9]{4,8}$/.test(pin.trim());
}
