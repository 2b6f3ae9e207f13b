// GHL appointment statuses as a clinic names them. GHL's value is the truth;
// an unknown value (GHL may add one) is shown as received, never dropped.

import type { Locale } from "../bindings/Locale";
import { translate, type MessageKey } from "./i18n";

export const KNOWN_STATUSES = ["new", "confirmed", "cancelled", "showed", "noshow", "invalid"] as const;
export type KnownStatus = (typeof KNOWN_STATUSES)[number];

export function isKnownStatus(status: string): status is KnownStatus {
  return (KNOWN_STATUSES as readonly string[]).includes(status);
}

/** The label for a status in the locale; unknown values come back unchanged. */
export function statusLabel(status: string, locale: Locale): string {
  if (isKnownStatus(status)) {
    return translate(locale, `status.${status}` satisfies MessageKey);
  }
  return status;
}

/** Whether a cita with this status no longer takes its slot. */
export function isCancelledStatus(status: string): boolean {
  return status === "cancelled";
}

/**
 * A CSS-safe token for styling the status chip. Unknown values share the
 * "other" style so an odd string from GHL cannot inject a class name.
 */
export function statusTone(status: string): KnownStatus | "other" {
  return isKnownStatus(status) ? status : "other";
}
