// The status bar's relay text. Pure, so the wording is tested without a DOM.

import type { AppStatus } from "../bindings/AppStatus";
import type { Locale } from "../bindings/Locale";
import type { RelayState } from "../bindings/RelayState";
import { translate } from "./i18n";
import { lastSyncTime } from "./banner";

export function relayState(status: Pick<AppStatus, "relay"> | null): RelayState {
  return status?.relay ?? "not_configured";
}

/** "Relay: conectado · último cambio 10:42" (the time only once an event came). */
export function relayText(status: Pick<AppStatus, "relay" | "relayLastEventLocal"> | null, locale: Locale): string {
  const state = translate(locale, `relay.state.${relayState(status)}`);
  const text = `${translate(locale, "relay.label")}: ${state}`;
  const time = lastSyncTime({ lastSyncLocal: status?.relayLastEventLocal ?? null });
  return time ? `${text} · ${translate(locale, "relay.lastEvent", { time })}` : text;
}
