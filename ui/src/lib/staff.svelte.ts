// The person at the desk: the core's session, signing in and out, and the
// idle lock. App.svelte creates one and hands it down through context.

import type { DeskSession } from "../bindings/DeskSession";
import type { NewStaff } from "../bindings/NewStaff";
import type { Role } from "../bindings/Role";
import * as api from "./api";
import { toErrorPayload } from "./api";
import { can, idleLockDue, isLocked } from "./staff";

const ACTIVITY_EVENTS = ["pointerdown", "pointermove", "keydown", "wheel", "touchstart"] as const;

export class Staff {
  session = $state.raw<DeskSession | null>(null);
  /** The last sign-in's refusal (wrong PIN, locked), shown on the lock screen. */
  error = $state<string | null>(null);
  busy = $state(false);

  #lastActivity = Date.now();
  #timer: ReturnType<typeof setInterval> | undefined;

  get locked(): boolean {
    return isLocked(this.session);
  }

  get isManager(): boolean {
    return can(this.session, "gerencia");
  }

  can(role: Role): boolean {
    return can(this.session, role);
  }

  load = async () => {
    try {
      this.session = await api.deskSession();
    } catch (e) {
      this.error = toErrorPayload(e, "").message || null;
    }
  };

  signIn = async (who: string, pin: string): Promise<boolean> => {
    if (this.busy) return false;
    this.busy = true;
    this.error = null;
    try {
      await api.signIn(who, pin);
      this.#lastActivity = Date.now();
      await this.load();
      return true;
    } catch (e) {
      this.error = toErrorPayload(e, "").message;
      await this.load();
      return false;
    } finally {
      this.busy = false;
    }
  };

  /** "Cambiar de usuario" and the idle lock. */
  signOut = async () => {
    this.error = null;
    await api.signOut();
    await this.load();
  };

  add = async (person: NewStaff) => {
    await api.addStaff(person);
    await this.load();
  };

  setRole = async (staffId: string, role: Role) => {
    await api.setStaffRole(staffId, role);
    await this.load();
  };

  resetPin = async (staffId: string, pin: string) => {
    await api.resetStaffPin(staffId, pin);
    await this.load();
  };

  setLockAfter = async (minutes: number) => {
    await api.setLockAfterMinutes(minutes);
    await this.load();
  };

  /** Watches for input; after the set idle minutes, signs the person out. */
  watchIdle(): () => void {
    const touch = () => (this.#lastActivity = Date.now());
    for (const e of ACTIVITY_EVENTS) window.addEventListener(e, touch, { passive: true, capture: true });
    this.#timer = setInterval(() => {
      const s = this.session;
      if (!s || !s.signInRequired || !s.person) return;
      if (idleLockDue(this.#lastActivity, Date.now(), s.lockAfterMinutes)) void this.signOut();
    }, 15_000);
    return () => {
      for (const e of ACTIVITY_EVENTS) window.removeEventListener(e, touch, { capture: true });
      clearInterval(this.#timer);
    };
  }
}
