// The services the window shares, handed down through Svelte context: each
// has a typed set (in App.svelte, once) and get (in any component below it).

import { getContext, setContext } from "svelte";
import type { Desk } from "./desk.svelte";
import type { I18n } from "./i18n.svelte";
import type { Panels } from "./panels.svelte";
import type { Staff } from "./staff.svelte";

function contextPair<T>(name: string): [get: () => T, set: (value: T) => T] {
  const key = Symbol(name);
  return [
    () => {
      const value = getContext<T | undefined>(key);
      if (value === undefined) throw new Error(`${name} is not in context: set it in App.svelte`);
      return value;
    },
    (value) => setContext(key, value),
  ];
}

export const [getI18n, setI18n] = contextPair<I18n>("I18n");
export const [getDesk, setDesk] = contextPair<Desk>("Desk");
export const [getPanels, setPanels] = contextPair<Panels>("Panels");
export const [getStaff, setStaff] = contextPair<Staff>("Staff");
