import { describe, expect, it } from "vitest";
import { relayState, relayText } from "./relay";

describe("relay status text", () => {
  it("is 'not set up' before any status arrives", () => {
    expect(relayState(null)).toBe("not_configured");
    expect(relayText(null, "es-PE")).toBe("Relay: sin configurar");
  });

  it("names the state in the user's language", () => {
    expect(relayText({ relay: "connected", relayLastEventLocal: null }, "es-PE")).toBe("Relay: conectado");
    expect(relayText({ relay: "disconnected", relayLastEventLocal: null }, "en")).toBe("Relay: disconnected");
  });

  it("adds the time of the last event once one came", () => {
    expect(relayText({ relay: "connected", relayLastEventLocal: "10:42" }, "es-PE")).toBe(
      "Relay: conectado · último cambio 10:42",
    );
    expect(relayText({ relay: "unauthorized", relayLastEventLocal: "08:05:00" }, "en")).toBe(
      "Relay: token refused · last change 08:05",
    );
  });
});
