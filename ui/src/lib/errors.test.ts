import { describe, expect, it } from "vitest";
import { UNKNOWN_ERROR } from "./api";
import { attempt, errorMessage, errorOf, failedWith } from "./errors";
import { translator } from "./i18n";

const t = translator("en");

describe("errors", () => {
  it("keeps the core's {code, message}", () => {
    expect(errorOf({ code: "booking.overlap", message: "Taken" }, t)).toEqual({ code: "booking.overlap", message: "Taken" });
  });

  it("falls back to the unknown-error text when a rejection says nothing", () => {
    expect(errorOf(undefined, t)).toEqual({ code: UNKNOWN_ERROR, message: t("error.unknown") });
    expect(errorMessage(new Error("boom"), t)).toBe("boom");
  });

  it("puts the message in a sentence", () => {
    expect(failedWith("sync.failed", "offline", t)).toBe(t("sync.failed", { message: "offline" }));
  });

  it("hands a rejection to onerror and tells whether the work went through", async () => {
    const seen: string[] = [];
    expect(await attempt(() => Promise.resolve(1), t, (e) => seen.push(e.code))).toBe(true);
    expect(await attempt(() => Promise.reject({ code: "x", message: "y" }), t, (e) => seen.push(e.code))).toBe(false);
    expect(await attempt(async () => { throw new Error("late"); }, t, (e) => seen.push(e.message))).toBe(false);
    expect(seen).toEqual(["x", "late"]);
  });

  it("tells busy while the work runs, also when it fails", async () => {
    const events: string[] = [];
    await attempt(() => Promise.reject(new Error("no")), t, (e) => events.push(e.message), (on) => events.push(`busy ${on}`));
    expect(events).toEqual(["busy true", "no", "busy false"]);
  });
});
