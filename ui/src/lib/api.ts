// The only module the UI reaches the Rust core through. The commands are
// generated from their one declaration in src-tauri/src/commands.rs
// (../bindings/commands.ts: names, argument keys and types from the Rust side)
// and re-exported here; this module adds the events, error helpers, constants
// and the few wrappers that keep its own names. Importing `invoke` anywhere
// else fails `npm run lint`.

import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import * as commands from "../bindings/commands";
import type { SyncProgress } from "../bindings/SyncProgress";
import type { ErrorCode } from "../bindings/ErrorCode";
import type { AppStatus } from "../bindings/AppStatus";
import type { BookingRequest } from "../bindings/BookingRequest";
import type { CitaAction } from "../bindings/CitaAction";
import type { LocationInfo } from "../bindings/LocationInfo";
import type { LocationSettings } from "../bindings/LocationSettings";
import type { OAuthConnectRequest } from "../bindings/OAuthConnectRequest";
import type { PatientView } from "../bindings/PatientView";
import type { ReconcileProgress } from "../bindings/ReconcileProgress";
import type { ReconciliationReport } from "../bindings/ReconciliationReport";
import type { ErrorPayload } from "../bindings/ErrorPayload";
import type { UpdateView } from "../bindings/UpdateView";
import type { Alert } from "../bindings/Alert";
import type { DayAgenda } from "../bindings/DayAgenda";

export * from "../bindings/commands";

/** Error code the core uses when no GHL location is connected yet. */
export const NOT_CONNECTED: ErrorCode = "setup.not_connected";
/** Code used here when a rejection is not an ErrorPayload (should not happen). */
export const UNKNOWN_ERROR: ErrorCode = "ui.unknown";

export function isErrorPayload(value: unknown): value is ErrorPayload {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as ErrorPayload).code === "string" &&
    typeof (value as ErrorPayload).message === "string"
  );
}

/** Any rejection as an ErrorPayload, so callers handle one shape. */
export function toErrorPayload(error: unknown, fallbackMessage: string): ErrorPayload {
  if (isErrorPayload(error)) return error;
  const message = typeof error === "string" ? error : error instanceof Error ? error.message : "";
  return { code: UNKNOWN_ERROR, message: message || fallbackMessage };
}

/** Today's agenda, asked for by index.html before the bundle ran. */
export interface StartupReads {
  agenda: Promise<DayAgenda>;
  /** The answer, once it has reached the page. */
  agendaAnswer?: DayAgenda;
}

function startupHolder(): { __citadeskStartup?: StartupReads } {
  return globalThis as { __citadeskStartup?: StartupReads };
}

/**
 * Resolves once today's agenda asked for at start-up has answered (or
 * failed), or after `ms`: the app mounts with it when it can, drawing the
 * first screen in one pass.
 */
export function startupAgendaSettled(ms: number): Promise<void> {
  const reads = startupHolder().__citadeskStartup;
  if (!reads || reads.agendaAnswer) return Promise.resolve();
  const settled = reads.agenda.then(
    () => undefined,
    () => undefined,
  );
  return Promise.race([settled, new Promise<void>((resolve) => setTimeout(resolve, ms))]);
}

/** The start-up agenda's answer if it is already here (still handed out by takeStartupReads). */
export function startupAgendaAnswer(): DayAgenda | null {
  return startupHolder().__citadeskStartup?.agendaAnswer ?? null;
}

/** Hands out the start-up reads once (later loads ask the core afresh). */
export function takeStartupReads(): StartupReads | null {
  const holder = startupHolder();
  const reads = holder.__citadeskStartup ?? null;
  delete holder.__citadeskStartup;
  return reads;
}

/** GHL's production API; ghl-sandbox or a proxy may be entered instead. */
export const GHL_BASE_URL = "https://services.leadconnectorhq.com";

/** Connects a location with OAuth: GHL's page opens in the system browser; resolves once authorized. */
export function connectOAuth(request: OAuthConnectRequest): Promise<LocationInfo> {
  return commands.connectOauth(request);
}

/** Payload of `replica-changed`. */
export interface ReplicaChanged {
  locationId: string;
}

export function onUpdateState(handler: (view: UpdateView) => void): Promise<UnlistenFn> {
  return listen<UpdateView>("update-state", (event) => handler(event.payload));
}

export function onStatusChanged(handler: (status: AppStatus) => void): Promise<UnlistenFn> {
  return listen<AppStatus>("status-changed", (event) => handler(event.payload));
}

export function onReplicaChanged(handler: (change: ReplicaChanged) => void): Promise<UnlistenFn> {
  return listen<ReplicaChanged>("replica-changed", (event) => handler(event.payload));
}

// ---- Booking desk ------------------------------------------------------

/**
 * A contract type as it really crosses IPC. ts-rs writes Rust's i64 as
 * `bigint`, but the values travel as JSON numbers (and JSON.stringify throws
 * on a bigint), so the UI sends and receives plain numbers.
 */
export type Wire<T> = T extends bigint
  ? number
  : T extends string | number | boolean | null | undefined
    ? T
    : T extends ReadonlyArray<infer U>
      ? Wire<U>[]
      : { [K in keyof T]: Wire<T[K]> };

export type BookingRequestWire = Wire<BookingRequest>;
export type CitaActionWire = Wire<CitaAction>;
export type LocationSettingsWire = Wire<LocationSettings>;

/** Error code of `book`/`change_cita` when warnings need a reason (flexible mode). */
export const OVERRIDE_REQUIRED: ErrorCode = "booking.override_required";

/** Local patient search (instant). */
export function searchPatients(query: string, limit?: number): Promise<PatientView[]> {
  return commands.searchPatients(query, limit ?? null);
}

// ---- Reconciliation ----------------------------------------------------

/** Stored reports, newest first. */
export function reconciliationReports(limit?: number): Promise<ReconciliationReport[]> {
  return commands.reconciliationReports(limit ?? null);
}

/** A pull sync's progress (the first-sync screen). */
export function onSyncProgress(handler: (progress: SyncProgress) => void): Promise<UnlistenFn> {
  return listen<SyncProgress>("sync-progress", (event) => handler(event.payload));
}

export function onReconcileProgress(handler: (progress: ReconcileProgress) => void): Promise<UnlistenFn> {
  return listen<ReconcileProgress>("reconcile-progress", (event) => handler(event.payload));
}

/** A scheduled run found differences. */
export function onReconciliationFound(handler: (report: ReconciliationReport) => void): Promise<UnlistenFn> {
  return listen<ReconciliationReport>("reconciliation-found", (event) => handler(event.payload));
}

// ---- Monitoring ---------------------------------------------------------

/** The open alerts changed (raised or cleared). */
export function onAlertsChanged(handler: (open: Alert[]) => void): Promise<UnlistenFn> {
  return listen<Alert[]>("alerts-changed", (event) => handler(event.payload));
}
