import { describe, expect, it } from "vitest";
import type { LocationSettingsWire } from "./api";
import { hasProblems, validateSettings } from "./settings";

const ok: LocationSettingsWire = {
  overlapMode: "flexible",
  defaultCalendarId: null,
  fallbackOpen: "08:00",
  fallbackClose: "20:00",
  reconcileAt: "06:30",
  reconcileDaysBack: 1,
  reconcileDaysAhead: 30,
};

describe("location settings", () => {
  it("accept the defaults", () => {
    expect(validateSettings(ok)).toEqual({});
    expect(hasProblems(validateSettings(ok))).toBe(false);
  });

  it("reject times that are not HH:MM and a close before the open", () => {
    expect(validateSettings({ ...ok, fallbackOpen: "8:00", reconcileAt: "25:00" })).toEqual({
      fallbackOpen: "settings.invalidTime",
      reconcileAt: "settings.invalidTime",
    });
    expect(validateSettings({ ...ok, fallbackClose: "08:00" })).toEqual({ fallbackClose: "settings.closeBeforeOpen" });
  });

  it("keep the window inside the core's limits (0-60 back, 0-365 ahead, whole days)", () => {
    expect(validateSettings({ ...ok, reconcileDaysBack: 61, reconcileDaysAhead: -1 })).toEqual({
      reconcileDaysBack: "settings.invalidDaysBack",
      reconcileDaysAhead: "settings.invalidDaysAhead",
    });
    expect(validateSettings({ ...ok, reconcileDaysAhead: 1.5 }).reconcileDaysAhead).toBe("settings.invalidDaysAhead");
    expect(validateSettings({ ...ok, reconcileDaysBack: 60, reconcileDaysAhead: 365 })).toEqual({});
  });
});
