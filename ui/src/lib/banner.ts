// What the banner at the top says for a given status, and the status bar's
// "last sync" text. Pure, so the wording is tested without a DOM.

import type { AppStatus } from "../bindings/AppStatus";
import type { Locale } from "../bindings/Locale";
import { translate } from "./i18n";

export type Banner = { kind: "offline" | "error"; text: string };

const HHMM = /^\d{2}:\d{2}/;

/** The HH:MM to show for the last sync, or null when there is none usable. */
export function lastSyncTime(status: Pick<AppStatus, "lastSyncLocal"> | null): string | null {
  const value = status?.lastSyncLocal?.trim();
  if (!value) return null;
  const m = HHMM.exec(value);
  return m ? m[0] : value;
}

export function offlineBannerText(lastSyncLocal: string | null, locale: Locale): string {
  const time = lastSyncTime({ lastSyncLocal });
  return time
    ? translate(locale, "banner.offlineWithTime", { time })
    : translate(locale, "banner.offline");
}

export function bannerFor(status: AppStatus | null, locale: Locale): Banner | null {
  if (!status) return null;
  switch (status.connection) {
    case "offline":
      return { kind: "offline", text: offlineBannerText(status.lastSyncLocal, locale) };
    case "error":
      return {
        kind: "error",
        text: status.lastError?.message?.trim() || translate(locale, "banner.errorFallback"),
      };
    default:
      return null;
  }
}

export function lastSyncText(status: AppStatus | null, locale: Locale): string {
  const time = lastSyncTime(status);
  return time ? translate(locale, "statusBar.lastSync", { time }) : translate(locale, "statusBar.neverSynced");
}
