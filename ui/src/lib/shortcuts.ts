// Keyboard shortcuts of the week view. Pure: the component passes the
// KeyboardEvent, this decides what it means.

// "prev-week"/"next-week" step by the view's unit: a week, or a day in the day view.
export type ShortcutAction =
  | "prev-week"
  | "next-week"
  | "today"
  | "sync"
  | "help"
  | "close"
  | "day-view"
  | "week-view"
  | "team-view"
  | "month-view"
  | "list-view"
  | "print-view"
  | "new-cita"
  | "block-time"
  | "reconcile"
  | "settings"
  | "location"
  | "switch-user";

/** The parts of a KeyboardEvent the decision depends on. */
export interface KeyInput {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  isComposing?: boolean;
  target?: EventTarget | TargetLike | null;
}

/** Enough of an element to tell whether the user is typing in it. */
export interface TargetLike {
  tagName?: string;
  isContentEditable?: boolean;
  type?: string;
}

const TEXT_INPUT_TYPES = new Set([
  "", "text", "search", "email", "tel", "url", "password", "number", "date", "datetime-local", "month", "time", "week",
]);

/** True when keys typed now belong to a text field, not to the app. */
export function isTypingTarget(target: EventTarget | TargetLike | null | undefined): boolean {
  if (!target || typeof target !== "object") return false;
  const t = target as TargetLike;
  if (t.isContentEditable) return true;
  const tag = (t.tagName ?? "").toUpperCase();
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag === "INPUT") return TEXT_INPUT_TYPES.has((t.type ?? "").toLowerCase());
  return false;
}

const KEYMAP: Readonly<Record<string, ShortcutAction>> = {
  ArrowLeft: "prev-week",
  PageUp: "prev-week",
  ArrowRight: "next-week",
  PageDown: "next-week",
  t: "today",
  T: "today",
  r: "sync",
  R: "sync",
  d: "day-view",
  D: "day-view",
  w: "week-view",
  W: "week-view",
  // "E" as in Equipo.
  e: "team-view",
  E: "team-view",
  m: "month-view",
  M: "month-view",
  // "I" as in lIsta: L is the sede switcher.
  i: "list-view",
  I: "list-view",
  p: "print-view",
  P: "print-view",
  n: "new-cita",
  N: "new-cita",
  b: "block-time",
  B: "block-time",
  c: "reconcile",
  C: "reconcile",
  s: "settings",
  S: "settings",
  l: "location",
  L: "location",
  u: "switch-user",
  U: "switch-user",
  "?": "help",
  Escape: "close",
};

/** The action for a key press, or null when the app should leave it alone. */
export function shortcutFor(e: KeyInput): ShortcutAction | null {
  if (e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return null;
  if (isTypingTarget(e.target)) return null;
  return Object.prototype.hasOwnProperty.call(KEYMAP, e.key) ? (KEYMAP[e.key] ?? null) : null;
}
