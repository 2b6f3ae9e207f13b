// Validation of the location settings form, before set_location_settings
// (the core checks again and its message is shown when it refuses).

import type { LocationSettingsWire } from "./api";
import type { MessageKey } from "./i18n";
import { isHhmm } from "./booking";

export type SettingsField = "fallbackOpen" | "fallbackClose" | "reconcileAt" | "reconcileDaysBack" | "reconcileDaysAhead";
export type SettingsProblems = Partial<Record<SettingsField, MessageKey>>;

/** The limits the core enforces on the reconciliation window. */
export const MAX_DAYS_BACK = 60;
export const MAX_DAYS_AHEAD = 365;

function inRange(value: number, max: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= max;
}

export function validateSettings(s: LocationSettingsWire): SettingsProblems {
  const problems: SettingsProblems = {};
  if (!isHhmm(s.fallbackOpen)) problems.fallbackOpen = "settings.invalidTime";
  if (!isHhmm(s.fallbackClose)) problems.fallbackClose = "settings.invalidTime";
  else if (isHhmm(s.fallbackOpen) && s.fallbackClose <= s.fallbackOpen) problems.fallbackClose = "settings.closeBeforeOpen";
  if (!isHhmm(s.reconcileAt)) problems.reconcileAt = "settings.invalidTime";
  if (!inRange(s.reconcileDaysBack, MAX_DAYS_BACK)) problems.reconcileDaysBack = "settings.invalidDaysBack";
  if (!inRange(s.reconcileDaysAhead, MAX_DAYS_AHEAD)) problems.reconcileDaysAhead = "settings.invalidDaysAhead";
  return problems;
}

export function hasProblems(p: SettingsProblems): boolean {
  return Object.keys(p).length > 0;
}
