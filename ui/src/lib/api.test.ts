import { beforeEach, describe, expect, it, vi } from "vitest";
import type { AppStatus } from "../bindings/AppStatus";
import type { BookingCheck } from "../bindings/BookingCheck";
import type { FixRequest } from "../bindings/FixRequest";
import type { Locale } from "../bindings/Locale";
import type { LocationInfo } from "../bindings/LocationInfo";
import type { OAuthConnectRequest } from "../bindings/OAuthConnectRequest";
import type { PatientView } from "../bindings/PatientView";
import type { ReconciliationReport } from "../bindings/ReconciliationReport";
import type { DayAgenda } from "../bindings/DayAgenda";
import type { WeekView } from "../bindings/WeekView";
import * as api from "./api";
import {
  type BookingRequestWire,
  type CitaActionWire,
  isErrorPayload,
  type LocationSettingsWire,
  NOT_CONNECTED,
  toErrorPayload,
  UNKNOWN_ERROR,
} from "./api";

const invoke = vi.hoisted(() => vi.fn());
vi.mock("@tauri-apps/api/core", () => ({ invoke }));

describe("error payloads", () => {
  it("keeps the core's {code, message} as is", () => {
    const e = { code: NOT_CONNECTED, message: "Conecta una sede" };
    expect(isErrorPayload(e)).toBe(true);
    expect(toErrorPayload(e, "x")).toBe(e);
  });
  it("wraps anything else with a fallback message", () => {
    expect(toErrorPayload("boom", "x")).toEqual({ code: UNKNOWN_ERROR, message: "boom" });
    expect(toErrorPayload(new Error("bad"), "x")).toEqual({ code: UNKNOWN_ERROR, message: "bad" });
    expect(toErrorPayload(undefined, "Error inesperado.")).toEqual({ code: UNKNOWN_ERROR, message: "Error inesperado." });
    expect(isErrorPayload({ code: 1, message: "m" })).toBe(false);
  });
});

// Checked by `npm run check`: the functions the components call keep their names and signatures
// now that they are generated from src-tauri/src/commands.rs.
const kept: {
  weekView: (weekStart: string | null) => Promise<WeekView>;
  connectOAuth: (request: OAuthConnectRequest) => Promise<LocationInfo>;
  searchPatients: (query: string, limit?: number) => Promise<PatientView[]>;
  reconciliationReports: (limit?: number) => Promise<ReconciliationReport[]>;
  reconcileNow: (daysBack: number | null, daysAhead: number | null) => Promise<ReconciliationReport>;
  checkBooking: (request: BookingRequestWire) => Promise<BookingCheck>;
  changeCita: (citaId: string, action: CitaActionWire) => Promise<unknown>;
  setLocationSettings: (settings: LocationSettingsWire) => Promise<LocationSettingsWire>;
  applyFixes: (reportId: number, fixes: FixRequest[]) => Promise<unknown>;
  slotMinutes: (calendarId: string) => Promise<number>;
  uiReady: (marks: Record<string, number> | null) => Promise<number>;
  disconnect: (locationId: string) => Promise<void>;
  setLocale: (locale: Locale) => Promise<AppStatus>;
} = api;

describe("commands on the wire", () => {
  beforeEach(() => {
    invoke.mockReset();
    invoke.mockResolvedValue(undefined);
  });
  it("keeps the snake_case names and the camelCase argument keys", async () => {
    await kept.weekView("2026-01-05");
    expect(invoke).toHaveBeenLastCalledWith("week_view", { weekStart: "2026-01-05" });
    await kept.reconcileNow(1, null);
    expect(invoke).toHaveBeenLastCalledWith("reconcile_now", { daysBack: 1, daysAhead: null });
    await kept.uiReady({ "ui:data": 12.5 });
    expect(invoke).toHaveBeenLastCalledWith("ui_ready", { marks: { "ui:data": 12.5 } });
    await api.searchPatientsInGhl("ana");
    expect(invoke).toHaveBeenLastCalledWith("search_patients_in_ghl", { query: "ana" });
  });
  it("sends null for the optional arguments left out", async () => {
    await kept.searchPatients("ana");
    expect(invoke).toHaveBeenLastCalledWith("search_patients", { query: "ana", limit: null });
    await kept.reconciliationReports();
    expect(invoke).toHaveBeenLastCalledWith("reconciliation_reports", { limit: null });
    await kept.connectOAuth({} as OAuthConnectRequest);
    expect(invoke).toHaveBeenLastCalledWith("connect_oauth", { request: {} });
  });
});

describe("start-up reads", () => {
  it("are taken once: the first load uses them, later loads ask the core", async () => {
    const agenda = Promise.resolve({ date: "2026-12-04" } as DayAgenda);
    const holder = globalThis as { __citadeskStartup?: unknown };
    holder.__citadeskStartup = { agenda };
    const first = api.takeStartupReads();
    expect(first?.agenda).toBe(agenda);
    expect(api.takeStartupReads()).toBeNull();
    expect(holder.__citadeskStartup).toBeUndefined();
  });

  it("give the agenda's answer once it has arrived, without handing the reads out", () => {
    const answer = { date: "2026-12-04" } as DayAgenda;
    const holder = globalThis as { __citadeskStartup?: unknown };
    holder.__citadeskStartup = { agenda: new Promise(() => undefined) };
    expect(api.startupAgendaAnswer()).toBeNull();
    holder.__citadeskStartup = { agenda: Promise.resolve(answer), agendaAnswer: answer };
    expect(api.startupAgendaAnswer()).toBe(answer);
    expect(api.takeStartupReads()?.agendaAnswer).toBe(answer);
    expect(api.startupAgendaAnswer()).toBeNull();
  });

  it("are waited for at mount until the agenda settles, or no longer than asked", async () => {
    vi.useFakeTimers();
    try {
      const holder = globalThis as { __citadeskStartup?: unknown };
      let settled = false;
      // Never answers: the wait ends at the time given.
      holder.__citadeskStartup = { agenda: new Promise(() => undefined) };
      void api.startupAgendaSettled(150).then(() => (settled = true));
      await vi.advanceTimersByTimeAsync(149);
      expect(settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(settled).toBe(true);
      // A failed ask ends the wait at once (the app shows the error when it loads).
      settled = false;
      holder.__citadeskStartup = { agenda: Promise.reject(new Error("not connected")) };
      void api.startupAgendaSettled(150).then(() => (settled = true));
      await vi.advanceTimersByTimeAsync(0);
      expect(settled).toBe(true);
      // Nothing asked (not in the app's window): no wait.
      delete holder.__citadeskStartup;
      settled = false;
      void api.startupAgendaSettled(150).then(() => (settled = true));
      await vi.advanceTimersByTimeAsync(0);
      expect(settled).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});
