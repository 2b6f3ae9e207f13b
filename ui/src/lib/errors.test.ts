import { describe, expect, it } from "vitest";
import { UNKNOWN_ERROR } from "./api";
import { errorMessage, errorOf, failedWith, settle } from "./errors";
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

  it("settles a call to its value or its error", async () => {
    expect(await settle(Promise.resolve(3), t)).toEqual({ ok: true, value: 3 });
    expect(await settle(Promise.reject({ code: "x", message: "y" }), t)).toEqual({ ok: false, error: { code: "x", message: "y" } });
  });
});
