// The only module that talks to the Rust core. Every command and event is
// typed with the generated bindings (../bindings), never redeclared here.

import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { AppStatus } from "../bindings/AppStatus";
import type { ConnectionInfo } from "../bindings/ConnectionInfo";
import type { LocationInfo } from "../bindings/LocationInfo";
import type { DayAgenda } from "../bindings/DayAgenda";
import type { ErrorPayload } from "../bindings/ErrorPayload";
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

export function connections(): Promise<ConnectionInfo[]> {
  return invoke<ConnectionInfo[]>("connections");
}

export function disconnect(locationId: string): Promise<void> {
  return invoke<void>("disconnect", { locationId });
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
