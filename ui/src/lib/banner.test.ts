import { describe, expect, it } from "vitest";
import type { AppStatus } from "../bindings/AppStatus";
import { bannerFor, lastSyncText, offlineBannerText } from "./banner";

function status(overrides: Partial<AppStatus>): AppStatus {
  return {
    location: { id: "loc1", name: "Clínica San Isidro", timeZone: "America/Lima" },
    connection: "online",
    lastSyncAt: "2026-11-23T13:12:00Z",
    lastSyncLocal: "08:12",
    lastError: null,
    demo: false,
    notice: null,
    locale: "es-PE",
    pendingWrites: 0,
    refusedWrites: 0,
    relay: "not_configured",
    relayLastEventAt: null,
    relayLastEventLocal: null,
    ...overrides,
  };
}

describe("offline banner", () => {
  it("says when the data was last synced, in Spanish", () => {
    expect(bannerFor(status({ connection: "offline" }), "es-PE")).toEqual({
      kind: "offline",
      text: "Sin conexión: mostrando datos guardados, última sincronización 08:12",
    });
  });

  it("has an English wording", () => {
    expect(bannerFor(status({ connection: "offline" }), "en")?.text).toBe("Offline: showing saved data, last sync 08:12");
  });

  it("drops the time when there never was a sync", () => {
    expect(offlineBannerText(null, "es-PE")).toBe("Sin conexión: mostrando datos guardados");
    expect(offlineBannerText("  ", "en")).toBe("Offline: showing saved data");
  });

  it("shows only HH:MM even if seconds come along", () => {
    expect(offlineBannerText("08:12:45", "en")).toBe("Offline: showing saved data, last sync 08:12");
  });

  it("disappears once the status is online, syncing or not connected", () => {
    expect(bannerFor(status({ connection: "online" }), "es-PE")).toBeNull();
    expect(bannerFor(status({ connection: "syncing" }), "es-PE")).toBeNull();
    expect(bannerFor(status({ connection: "not_connected" }), "es-PE")).toBeNull();
    expect(bannerFor(null, "es-PE")).toBeNull();
  });
});

describe("error banner", () => {
  it("shows the core's message as is", () => {
    const s = status({ connection: "error", lastError: { code: "auth.expired", message: "El token de GHL venció." } });
    expect(bannerFor(s, "es-PE")).toEqual({ kind: "error", text: "El token de GHL venció." });
  });

  it("falls back to a generic text when the core sent none", () => {
    expect(bannerFor(status({ connection: "error", lastError: null }), "en")?.text).toBe(
      "GHL refused the last operation.",
    );
  });
});

describe("last sync text", () => {
  it("formats the status bar line", () => {
    expect(lastSyncText(status({}), "es-PE")).toBe("Última sincronización 08:12");
    expect(lastSyncText(status({}), "en")).toBe("Last sync 08:12");
    expect(lastSyncText(status({ lastSyncLocal: null }), "es-PE")).toBe("Aún sin sincronizar");
  });
});
