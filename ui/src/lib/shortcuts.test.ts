import { describe, expect, it } from "vitest";
import { isTypingTarget, shortcutFor } from "./shortcuts";

const body = { tagName: "BODY" };

describe("shortcutFor", () => {
  it("maps keys to week navigation, today, sync and help", () => {
    expect(shortcutFor({ key: "ArrowLeft", target: body })).toBe("prev-week");
    expect(shortcutFor({ key: "PageUp", target: body })).toBe("prev-week");
    expect(shortcutFor({ key: "ArrowRight", target: body })).toBe("next-week");
    expect(shortcutFor({ key: "PageDown", target: body })).toBe("next-week");
    expect(shortcutFor({ key: "t", target: body })).toBe("today");
    expect(shortcutFor({ key: "T", target: body })).toBe("today");
    expect(shortcutFor({ key: "r", target: body })).toBe("sync");
    expect(shortcutFor({ key: "?", target: body })).toBe("help");
    expect(shortcutFor({ key: "Escape", target: body })).toBe("close");
  });

  it("switches between the day and the week view with d and w", () => {
    expect(shortcutFor({ key: "d", target: body })).toBe("day-view");
    expect(shortcutFor({ key: "D", target: body })).toBe("day-view");
    expect(shortcutFor({ key: "w", target: body })).toBe("week-view");
    expect(shortcutFor({ key: "W", target: body })).toBe("week-view");
    expect(shortcutFor({ key: "e", target: body })).toBe("team-view");
    expect(shortcutFor({ key: "E", target: body })).toBe("team-view");
    expect(shortcutFor({ key: "m", target: body })).toBe("month-view");
    expect(shortcutFor({ key: "I", target: body })).toBe("list-view");
    expect(shortcutFor({ key: "p", target: body })).toBe("print-view");
    expect(shortcutFor({ key: "d", ctrlKey: true, target: body })).toBeNull();
    expect(shortcutFor({ key: "w", target: { tagName: "INPUT", type: "text" } })).toBeNull();
  });

  it("opens the booking dialog with n, the reconciliation with c, the settings with s", () => {
    expect(shortcutFor({ key: "n", target: body })).toBe("new-cita");
    expect(shortcutFor({ key: "N", target: body })).toBe("new-cita");
    expect(shortcutFor({ key: "c", target: body })).toBe("reconcile");
    expect(shortcutFor({ key: "s", target: body })).toBe("settings");
    // Typing a name with an n in the dialog must not open another dialog.
    expect(shortcutFor({ key: "n", target: { tagName: "INPUT", type: "search" } })).toBeNull();
    expect(shortcutFor({ key: "c", ctrlKey: true, target: body })).toBeNull();
  });

  it("goes to the location switcher with l, not while choosing in it", () => {
    expect(shortcutFor({ key: "l", target: body })).toBe("location");
    expect(shortcutFor({ key: "L", target: body })).toBe("location");
    expect(shortcutFor({ key: "u", target: body })).toBe("switch-user");
    expect(shortcutFor({ key: "l", target: { tagName: "SELECT" } })).toBeNull();
  });

  it("ignores other keys", () => {
    expect(shortcutFor({ key: "x", target: body })).toBeNull();
    expect(shortcutFor({ key: "ArrowUp", target: body })).toBeNull();
    expect(shortcutFor({ key: "constructor", target: body })).toBeNull();
  });

  it("leaves browser and system combinations alone", () => {
    expect(shortcutFor({ key: "r", ctrlKey: true, target: body })).toBeNull();
    expect(shortcutFor({ key: "ArrowLeft", altKey: true, target: body })).toBeNull();
    expect(shortcutFor({ key: "t", metaKey: true, target: body })).toBeNull();
  });

  it("does nothing while the user types in a field", () => {
    expect(shortcutFor({ key: "t", target: { tagName: "INPUT", type: "text" } })).toBeNull();
    expect(shortcutFor({ key: "r", target: { tagName: "TEXTAREA" } })).toBeNull();
    expect(shortcutFor({ key: "ArrowLeft", target: { tagName: "input", type: "search" } })).toBeNull();
    expect(shortcutFor({ key: "?", target: { tagName: "DIV", isContentEditable: true } })).toBeNull();
    expect(shortcutFor({ key: "PageDown", target: { tagName: "SELECT" } })).toBeNull();
  });

  it("ignores keys while an input method composes text", () => {
    expect(shortcutFor({ key: "t", isComposing: true, target: body })).toBeNull();
  });

  it("still works from buttons and checkboxes", () => {
    expect(shortcutFor({ key: "t", target: { tagName: "BUTTON" } })).toBe("today");
    expect(shortcutFor({ key: "r", target: { tagName: "INPUT", type: "checkbox" } })).toBe("sync");
  });
});

describe("isTypingTarget", () => {
  it("treats an input without a type as text", () => {
    expect(isTypingTarget({ tagName: "INPUT" })).toBe(true);
    expect(isTypingTarget(null)).toBe(false);
    expect(isTypingTarget(undefined)).toBe(false);
  });
});
