import { describe, expect, it } from "vitest";
import type { ReconciliationReport } from "../bindings/ReconciliationReport";
import {
  CATEGORIES,
  defaultAction,
  durationText,
  filterRows,
  FIX_ACTIONS,
  fixRequests,
  progressPercent,
  reportRows,
  rowCalendars,
  fixedKeys,
  rowKey,
  toggled,
  withChoice,
  withKeys,
} from "./reconcile";

const line = (id: string, calendar: string, status = "confirmed") => ({
  id,
  calendar_id: calendar,
  start_local: "2026-11-24T23:30:00",
  title: `Cita ${id}`,
  status,
  contact_id: null,
});

const report: ReconciliationReport = {
  id: 7,
  fecha: "2026-11-23",
  location_id: "loc1",
  window_start: "2026-11-22T05:00:00Z",
  window_end: "2026-12-24T05:00:00Z",
  faltantes_local: [line("a", "cal1")],
  canceladas_no_actualizadas: [{ ...line("b", "cal2", "cancelled"), via: "pull", lost_webhook: true }],
  desincronizadas: [
    {
      id: "c",
      calendar_id: "cal2",
      start_local: "2026-11-25T10:00:00",
      title: "Cita c",
      diferencias: [{ campo: "status", local: "confirmed", ghl: "showed" }],
    },
  ],
  faltantes_remoto: [{ ...line("d", "cal1"), fixed: { action: "recreate", by: "Ana", at: "2026-11-23T14:00:00Z" } }],
  counts: { faltantes_local: 1, canceladas_no_actualizadas: 1, desincronizadas: 1, faltantes_remoto: 1, total: 4 },
  ghl_calls: 2,
  duration_ms: 850,
  diff_us: 1200,
  compared: 4,
  healed: 1,
  live_changes: 0,
  lost_webhooks: 1,
};

describe("report rows", () => {
  const rows = reportRows(report);

  it("lists every line once, by category in the report's order, with drift fields", () => {
    expect(rows.map((r) => [r.category, r.citaId])).toEqual([
      ["faltantes_local", "a"],
      ["canceladas_no_actualizadas", "b"],
      ["desincronizadas", "c"],
      ["faltantes_remoto", "d"],
    ]);
    expect(rows[2]!.diffs).toEqual([{ campo: "status", local: "confirmed", ghl: "showed" }]);
  });

  it("says how a healed line arrived, and marks a lost webhook", () => {
    expect(rows.map((r) => [r.citaId, r.via, r.lostWebhook])).toEqual([
      ["a", null, false],
      ["b", "pull", true],
      ["c", null, false],
      ["d", null, false],
    ]);
  });

  it("keeps who fixed a line and how", () => {
    expect(rows[3]!.fixed).toEqual({ action: "recreate", by: "Ana", at: "2026-11-23T14:00:00Z" });
    expect(rows[0]!.fixed).toBeNull();
  });

  it("filters by category and by calendar", () => {
    expect(filterRows(rows, "all", "all")).toHaveLength(4);
    expect(filterRows(rows, "desincronizadas", "all").map((r) => r.citaId)).toEqual(["c"]);
    expect(filterRows(rows, "all", "cal1").map((r) => r.citaId)).toEqual(["a", "d"]);
    expect(filterRows(rows, "faltantes_remoto", "cal2")).toEqual([]);
    expect(rowCalendars(rows)).toEqual(["cal1", "cal2"]);
  });

  it("builds fixes for the selected lines only, refusing actions a category does not allow", () => {
    const chosen = new Map([
      [rowKey(rows[0]!), "push_local" as const], // not allowed for faltantes_local
      [rowKey(rows[3]!), "recreate" as const],
    ]);
    const selected = new Set([rowKey(rows[0]!), rowKey(rows[2]!), rowKey(rows[3]!)]);
    expect(fixRequests(rows, chosen, selected)).toEqual([
      { citaId: "a", action: "take_ghl" },
      { citaId: "c", action: "take_ghl" },
      { citaId: "d", action: "recreate" },
    ]);
  });
});

describe("fix actions", () => {
  it("default to GHL's version in every category", () => {
    for (const c of CATEGORIES) expect(defaultAction(c)).toBe("take_ghl");
  });
  it("offer re-create only for citas missing in GHL and push only where a local version exists in GHL", () => {
    expect(CATEGORIES.filter((c) => FIX_ACTIONS[c].includes("recreate"))).toEqual(["faltantes_remoto"]);
    expect(FIX_ACTIONS.faltantes_local).not.toContain("push_local");
  });
});

describe("figures", () => {
  it("shows durations and progress", () => {
    expect(durationText(850, "en")).toBe("850 ms");
    expect(durationText(1250, "en")).toBe("1.3 s");
    expect(progressPercent(1, 3)).toBe(33);
    expect(progressPercent(0, 0)).toBe(0);
    expect(progressPercent(5, 3)).toBe(100);
  });
});

describe("selections", () => {
  it("toggle a line, add or remove many, and keep the old value untouched", () => {
    const empty: ReadonlySet<string> = new Set();
    const one = toggled(empty, "a");
    expect([...one]).toEqual(["a"]);
    expect(empty.size).toBe(0);
    expect([...toggled(one, "a")]).toEqual([]);
    expect([...withKeys(one, ["b", "c"], true)].sort()).toEqual(["a", "b", "c"]);
    expect([...withKeys(new Set(["a", "b"]), ["a"], false)]).toEqual(["b"]);
    expect(withChoice(new Map(), "k", "recreate").get("k")).toBe("recreate");
  });

  it("count a batch's lines as fixed except those the core says failed", () => {
    const rows = reportRows(report);
    expect(fixedKeys(rows.slice(0, 3), ["b"])).toEqual(["faltantes_local:a", "desincronizadas:c"]);
  });
});
