import { describe, expect, it } from "vitest";
import { isErrorPayload, NOT_CONNECTED, toErrorPayload, UNKNOWN_ERROR } from "./api";

describe("error payloads", () => {
  it("keeps the core's {code, message} as is", () => {
    const e = { code: NOT_CONNECTED, message: "Conecta una sede" };
    expect(isErrorPayload(e)).toBe(true);
    expect(toErrorPayload(e, "x")).toBe(e);
  });
  it("wraps anything else with a fallback message", () => {
    expect(toErrorPayload("boom", "x")).toEqual({ code: UNKNOWN_ERROR, message: "boom" });
    expect(toErrorPayload(new Error("bad"), "x")).toEqual({ code: UNKNOWN_ERROR, message: "bad" });
    expect(toErrorPayload(undefined, "Error inesperado.")).toEqual({ code: UNKNOWN_ERROR, message: "Error inesperado." });
    expect(isErrorPayload({ code: 1, message: "m" })).toBe(false);
  });
});
