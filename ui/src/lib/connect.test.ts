import { describe, expect, it } from "vitest";
import { cleanForm, cleanOAuthForm, formComplete, GHL_AUTHORIZE_URL, minutesLeft, oauthFormComplete } from "./connect";

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

describe("OAuth connect form", () => {
  const ok = {
    baseUrl: "https://services.leadconnectorhq.com/",
    authorizeUrl: GHL_AUTHORIZE_URL,
    clientId: " app-1 ",
    clientSecret: " s3cret\n",
  };

  it("trims what is pasted", () => {
    expect(cleanOAuthForm(ok)).toEqual({
      baseUrl: "https://services.leadconnectorhq.com",
      authorizeUrl: GHL_AUTHORIZE_URL,
      clientId: "app-1",
      clientSecret: "s3cret",
    });
  });

  it("needs both URLs, the client id and the secret", () => {
    expect(oauthFormComplete(ok)).toBe(true);
    expect(oauthFormComplete({ ...ok, clientSecret: " " })).toBe(false);
    expect(oauthFormComplete({ ...ok, clientId: "" })).toBe(false);
    expect(oauthFormComplete({ ...ok, authorizeUrl: "marketplace.gohighlevel.com" })).toBe(false);
  });

  it("shows token expiry in whole minutes, never below zero", () => {
    expect(minutesLeft(null)).toBeNull();
    expect(minutesLeft(3599)).toBe(59);
    expect(minutesLeft(-5)).toBe(0);
  });
});
