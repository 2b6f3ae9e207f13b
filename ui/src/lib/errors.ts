// The one way a rejected core call becomes what the UI shows: an
// ErrorPayload `{code, message}`, its message, or a sentence around it.

import type { ErrorPayload } from "../bindings/ErrorPayload";
import { toErrorPayload } from "./api";
import type { MessageKey, Translator } from "./i18n";

/** Any rejection as `{code, message}`; a rejection without text says "error.unknown". */
export function errorOf(error: unknown, t: Translator): ErrorPayload {
  return toErrorPayload(error, t("error.unknown"));
}

/** The rejection's message alone. */
export function errorMessage(error: unknown, t: Translator): string {
  return errorOf(error, t).message;
}

/** The rejection's message inside a sentence whose `{message}` it fills (e.g. "sync.failed"). */
export function failedWith(key: MessageKey, error: unknown, t: Translator): string {
  return t(key, { message: errorMessage(error, t) });
}

/**
 * Runs `work` (a core call and what follows it); a rejection is handed to
 * `onerror` as `{code, message}` instead of thrown, and `busy` (when given)
 * is told while it runs. Resolves to whether it went through.
 */
export async function attempt(
  work: () => Promise<unknown>,
  t: Translator,
  onerror: (error: ErrorPayload) => void,
  busy?: (on: boolean) => void,
): Promise<boolean> {
  busy?.(true);
  try {
    await work();
    return true;
  } catch (e) {
    onerror(errorOf(e, t));
    return false;
  } finally {
    busy?.(false);
  }
}
