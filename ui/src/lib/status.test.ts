import { describe, expect, it } from "vitest";
import { isCancelledStatus, KNOWN_STATUSES, statusLabel, statusTone } from "./status";

describe("statusLabel", () => {
  it("names GHL statuses as a Peruvian clinic does", () => {
    expect(statusLabel("new", "es-PE")).toBe("pendiente");
    expect(statusLabel("confirmed", "es-PE")).toBe("confirmada");
    expect(statusLabel("cancelled", "es-PE")).toBe("cancelada");
    expect(statusLabel("showed", "es-PE")).toBe("asistió");
    expect(statusLabel("noshow", "es-PE")).toBe("no asistió");
    expect(statusLabel("invalid", "es-PE")).toBe("inválida");
  });

  it("has English names", () => {
    expect(KNOWN_STATUSES.map((s) => statusLabel(s, "en"))).toEqual([
      "pending",
      "confirmed",
      "cancelled",
      "showed",
      "no-show",
      "invalid",
    ]);
  });

  it("keeps a value GHL adds later as received, in both languages", () => {
    expect(statusLabel("rescheduled", "es-PE")).toBe("rescheduled");
    expect(statusLabel("rescheduled", "en")).toBe("rescheduled");
    expect(statusTone("rescheduled")).toBe("other");
  });

  it("is case-sensitive like GHL: 'Confirmed' is not a known value", () => {
    expect(statusLabel("Confirmed", "es-PE")).toBe("Confirmed");
  });

  it("does not treat prototype keys as statuses", () => {
    expect(statusLabel("toString", "en")).toBe("toString");
    expect(statusTone("constructor")).toBe("other");
  });

  it("marks only cancelled as cancelled", () => {
    expect(isCancelledStatus("cancelled")).toBe(true);
    expect(KNOWN_STATUSES.filter(isCancelledStatus)).toEqual(["cancelled"]);
  });
});
