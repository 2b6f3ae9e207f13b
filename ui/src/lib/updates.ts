// The update state as the UI shows it: the banner only for a verified new
// version; a refusal (unsigned, another key, altered, older) as a notice
// that can be closed; a feed that cannot be reached only in "Acerca de".

import type { UpdateView } from "../bindings/UpdateView";
import type { MessageKey, Translator } from "./i18n";

export function showsBanner(view: UpdateView | null): boolean {
  return view?.phase === "ready" && !!view.version;
}

/** A refusal worth telling the desk about (not an unreachable feed). */
export function showsRefusal(view: UpdateView | null): boolean {
  return view?.phase === "refused" && !!view.error && view.error.code !== "update.feed";
}

/** One line for "Acerca de": the phase, and the refusal's message when refused. */
export function phaseText(view: UpdateView | null, t: Translator): string {
  if (!view) return t("update.phase.idle");
  if (view.phase === "refused") return view.error?.message ?? t("update.phase.refused");
  return t(`update.phase.${view.phase}` as MessageKey, { version: view.version ?? "" });
}
