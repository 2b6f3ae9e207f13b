import { describe, expect, it } from "vitest";
import { cleanForm, formComplete } from "./connect";

describe("connect form", () => {
  it("trims pasted values and the URL's trailing slash", () => {
    expect(cleanForm({ baseUrl: " https://x.test/ ", locationId: " L1 ", token: " pit-1\n" })).toEqual({
      baseUrl: "https://x.test",
      locationId: "L1",
      token: "pit-1",
    });
  });

  it("needs an http(s) URL, a location id and a token", () => {
    const ok = { baseUrl: "http://127.0.0.1:8080", locationId: "L1", token: "t" };
    expect(formComplete(ok)).toBe(true);
    expect(formComplete({ ...ok, token: "   " })).toBe(false);
    expect(formComplete({ ...ok, locationId: "" })).toBe(false);
    expect(formComplete({ ...ok, baseUrl: "services.leadconnectorhq.com" })).toBe(false);
  });
});
