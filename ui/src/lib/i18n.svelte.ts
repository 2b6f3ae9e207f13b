// The UI's language as a service: components read `t` and `locale` from
// context instead of taking them as props.

import type { Locale } from "../bindings/Locale";
import { DEFAULT_LOCALE, translate, type Translator } from "./i18n";

export class I18n {
  /** The language the core keeps (app status), null until it is known. */
  readonly #fromCore: () => Locale | null = () => null;
  /** Set while a language change is on its way to the core (or when it failed). */
  override = $state<Locale | null>(null);
  readonly locale: Locale = $derived(this.override ?? this.#fromCore() ?? DEFAULT_LOCALE);
  /** One function for the window's life; a call reads `locale`, so what calls it follows a change. */
  readonly t: Translator = (key, params) => translate(this.locale, key, params);

  constructor(fromCore?: () => Locale | null) {
    if (fromCore) this.#fromCore = fromCore;
  }
}
