// The only module that talks to the Rust core. Every command and event is
// typed with the generated bindings (../bindings), never redeclared here.

import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { AppStatus } from "../bindings/AppStatus";
import type { AuditEntry } from "../bindings/AuditEntry";
import type { BookingCheck } from "../bindings/BookingCheck";
import type { BookingOutcome } from "../bindings/BookingOutcome";
import type { BookingRequest } from "../bindings/BookingRequest";
import type { CitaAction } from "../bindings/CitaAction";
import type { ExportFormat } from "../bindings/ExportFormat";
import type { FixOutcome } from "../bindings/FixOutcome";
import type { FixRequest } from "../bindings/FixRequest";
import type { FreeSlot } from "../bindings/FreeSlot";
import type { LocationSettings } from "../bindings/LocationSettings";
import type { PatientEdit } from "../bindings/PatientEdit";
import type { PatientView } from "../bindings/PatientView";
import type { ReconcileProgress } from "../bindings/ReconcileProgress";
import type { ReconciliationReport } from "../bindings/ReconciliationReport";
import type { RefusedWrite } from "../bindings/RefusedWrite";
import type { ConnectionInfo } from "../bindings/ConnectionInfo";
import type { LocationInfo } from "../bindings/LocationInfo";
import type { DayAgenda } from "../bindings/DayAgenda";
import type { ErrorPayload } from "../bindings/ErrorPayload";
import type { HealthReport } from "../bindings/HealthReport";
import type { OAuthConnectRequest } from "../bindings/OAuthConnectRequest";
import type { Locale } from "../bindings/Locale";
import type { RelaySettings } from "../bindings/RelaySettings";
import type { SyncSummary } from "../bindings/SyncSummary";
import type { WeekView } from "../bindings/WeekView";

/** Error code the core uses when no GHL location is connected yet. */
export const NOT_CONNECTED = "setup.not_connected";
/** Code used here when a rejection is not an ErrorPayload (should not happen). */
export const UNKNOWN_ERROR = "ui.unknown";

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

/** The week containing `weekStart` (any date in it; null = this week). */
export function weekView(weekStart: string | null): Promise<WeekView> {
  return invoke<WeekView>("week_view", { weekStart });
}

/** The day's agenda (null = today in the location's zone). */
export function dayAgenda(date: string | null): Promise<DayAgenda> {
  return invoke<DayAgenda>("day_agenda", { date });
}

export function appStatus(): Promise<AppStatus> {
  return invoke<AppStatus>("app_status");
}

export function syncNow(): Promise<SyncSummary> {
  return invoke<SyncSummary>("sync_now");
}

/** GHL's production API; ghl-sandbox or a proxy may be entered instead. */
export const GHL_BASE_URL = "https://services.leadconnectorhq.com";

/** Connects a location with a Private Integration Token (checked against GHL, kept in the keychain). */
export function connectPit(baseUrl: string, locationId: string, token: string): Promise<LocationInfo> {
  return invoke<LocationInfo>("connect_pit", { baseUrl, locationId, token });
}

/** Connects a location with OAuth: GHL's page opens in the system browser; resolves once authorized. */
export function connectOAuth(request: OAuthConnectRequest): Promise<LocationInfo> {
  return invoke<LocationInfo>("connect_oauth", { request });
}

/** Figures for the health panel. */
export function health(): Promise<HealthReport> {
  return invoke<HealthReport>("health");
}

export function connections(): Promise<ConnectionInfo[]> {
  return invoke<ConnectionInfo[]>("connections");
}

export function disconnect(locationId: string): Promise<void> {
  return invoke<void>("disconnect", { locationId });
}

/** Makes another connected location the one the desk shows (the relay follows). */
export function switchLocation(locationId: string): Promise<AppStatus> {
  return invoke<AppStatus>("switch_location", { locationId });
}

/** Tells the core the first week is on screen (start-up figure; logged). */
export function uiReady(): Promise<number> {
  return invoke<number>("ui_ready");
}

export function setLocale(locale: Locale): Promise<AppStatus> {
  return invoke<AppStatus>("set_locale", { locale });
}

/** The active location's relay settings (never the token itself). */
export function relaySettings(): Promise<RelaySettings> {
  return invoke<RelaySettings>("relay_settings");
}

/** Saves the relay URL and, when given, the install token (to the keychain). */
export function setRelay(url: string, token: string | null): Promise<RelaySettings> {
  return invoke<RelaySettings>("set_relay", { url, token });
}

export function clearRelay(): Promise<void> {
  return invoke<void>("clear_relay");
}

/** Payload of `replica-changed`. */
export interface ReplicaChanged {
  locationId: string;
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
export const OVERRIDE_REQUIRED = "booking.override_required";

export function checkBooking(request: BookingRequestWire): Promise<BookingCheck> {
  return invoke<BookingCheck>("check_booking", { request });
}

export function book(request: BookingRequestWire): Promise<BookingOutcome> {
  return invoke<BookingOutcome>("book", { request });
}

export function changeCita(citaId: string, action: CitaActionWire): Promise<BookingOutcome> {
  return invoke<BookingOutcome>("change_cita", { citaId, action });
}

export function citaAudit(citaId: string): Promise<AuditEntry[]> {
  return invoke<AuditEntry[]>("cita_audit", { citaId });
}

/** GHL's free slots of a calendar for 7 days from `from` (default today); cached by the core. */
export function freeSlots(calendarId: string, from: string | null): Promise<FreeSlot[]> {
  return invoke<FreeSlot[]>("free_slots", { calendarId, from });
}

/** Local patient search (instant). */
export function searchPatients(query: string, limit?: number): Promise<PatientView[]> {
  return invoke<PatientView[]>("search_patients", { query, limit: limit ?? null });
}

/** A patient's basic fields, as the edit form starts from them. */
export function patient(contactId: string): Promise<PatientEdit> {
  return invoke<PatientEdit>("patient", { contactId });
}

/** Edits a patient's basic fields (absent: unchanged); sent to GHL through the outbox. */
export function updatePatient(contactId: string, edit: PatientEdit): Promise<PatientView> {
  return invoke<PatientView>("update_patient", { contactId, edit });
}

/** GHL's own patient search, for when the local one finds little (slower). */
export function searchPatientsInGhl(query: string): Promise<PatientView[]> {
  return invoke<PatientView[]>("search_patients_in_ghl", { query });
}

/** The calendar's slot length in minutes: the default duration of a cita. */
export function slotMinutes(calendarId: string): Promise<number> {
  return invoke<number>("slot_minutes", { calendarId });
}

export function locationSettings(): Promise<LocationSettingsWire> {
  return invoke<LocationSettingsWire>("location_settings");
}

export function setLocationSettings(settings: LocationSettingsWire): Promise<LocationSettingsWire> {
  return invoke<LocationSettingsWire>("set_location_settings", { settings });
}

export function refusedWrites(): Promise<RefusedWrite[]> {
  return invoke<RefusedWrite[]>("refused_writes");
}

export function acknowledgeRefusal(outboxId: number): Promise<void> {
  return invoke<void>("acknowledge_refusal", { outboxId });
}

// ---- Reconciliation ----------------------------------------------------

export function reconcileNow(daysBack: number | null, daysAhead: number | null): Promise<ReconciliationReport> {
  return invoke<ReconciliationReport>("reconcile_now", { daysBack, daysAhead });
}

/** Stored reports, newest first. */
export function reconciliationReports(limit?: number): Promise<ReconciliationReport[]> {
  return invoke<ReconciliationReport[]>("reconciliation_reports", { limit: limit ?? null });
}

export function applyFixes(reportId: number, fixes: FixRequest[]): Promise<FixOutcome> {
  return invoke<FixOutcome>("apply_fixes", { reportId, fixes });
}

/** Saves the report in Downloads; resolves to the file's path. */
export function exportReport(reportId: number, format: ExportFormat): Promise<string> {
  return invoke<string>("export_report", { reportId, format });
}

export function onReconcileProgress(handler: (progress: ReconcileProgress) => void): Promise<UnlistenFn> {
  return listen<ReconcileProgress>("reconcile-progress", (event) => handler(event.payload));
}

/** A scheduled run found differences. */
export function onReconciliationFound(handler: (report: ReconciliationReport) => void): Promise<UnlistenFn> {
  return listen<ReconciliationReport>("reconciliation-found", (event) => handler(event.payload));
}
