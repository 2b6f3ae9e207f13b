// The Reconciliación page's logic: a report's lines as one filterable list,
// the fixes each category allows, the batch sent to apply_fixes.

import type { FieldDiff } from "../bindings/FieldDiff";
import type { FixAction } from "../bindings/FixAction";
import type { FixRequest } from "../bindings/FixRequest";
import type { ReconciliationReport } from "../bindings/ReconciliationReport";
import type { LineFix } from "../bindings/LineFix";
import type { Via } from "../bindings/Via";

export const CATEGORIES = ["faltantes_local", "canceladas_no_actualizadas", "desincronizadas", "faltantes_remoto"] as const;
export type Category = (typeof CATEGORIES)[number];

/** The fixes the core accepts per category; the first is the default (GHL is the default truth). */
export const FIX_ACTIONS: Readonly<Record<Category, readonly FixAction[]>> = {
  faltantes_local: ["take_ghl", "mark_cancelled"],
  canceladas_no_actualizadas: ["take_ghl", "push_local", "mark_cancelled"],
  desincronizadas: ["take_ghl", "push_local", "mark_cancelled"],
  faltantes_remoto: ["take_ghl", "recreate", "mark_cancelled"],
};

export function defaultAction(category: Category): FixAction {
  return FIX_ACTIONS[category][0] ?? "take_ghl";
}

export function isActionAllowed(category: Category, action: FixAction): boolean {
  return FIX_ACTIONS[category].includes(action);
}

/** One line of a report, whatever its category. */
export interface ReportRow {
  category: Category;
  citaId: string;
  calendarId: string;
  startLocal: string;
  title: string;
  status: string | null;
  diffs: readonly FieldDiff[];
  /** How the desk learnt of it before the report (null: the comparison found it). */
  via: Via | null;
  /** A pull found it while the relay was connected: GHL dropped its webhook. */
  lostWebhook: boolean;
  /** Who fixed it and how, once fixed (the report's history). */
  fixed: LineFix | null;
}

export function reportRows(report: ReconciliationReport): ReportRow[] {
  const plain = (category: Category) =>
    report[category as Exclude<Category, "desincronizadas">].map((l) => ({
      category,
      citaId: l.id,
      calendarId: l.calendar_id,
      startLocal: l.start_local,
      title: l.title,
      status: l.status,
      diffs: [],
      via: l.via ?? null,
      lostWebhook: l.lost_webhook ?? false,
      fixed: l.fixed ?? null,
    }));
  return [
    ...plain("faltantes_local"),
    ...plain("canceladas_no_actualizadas"),
    ...report.desincronizadas.map((l) => ({
      category: "desincronizadas" as const,
      citaId: l.id,
      calendarId: l.calendar_id,
      startLocal: l.start_local,
      title: l.title,
      status: null,
      diffs: l.diferencias,
      via: l.via ?? null,
      lostWebhook: l.lost_webhook ?? false,
      fixed: l.fixed ?? null,
    })),
    ...plain("faltantes_remoto"),
  ];
}

export type CategoryFilter = Category | "all";

export function filterRows(rows: readonly ReportRow[], category: CategoryFilter, calendarId: string | "all"): ReportRow[] {
  return rows.filter(
    (r) => (category === "all" || r.category === category) && (calendarId === "all" || r.calendarId === calendarId),
  );
}

/** The calendars the report's lines are in, sorted, each once. */
export function rowCalendars(rows: readonly ReportRow[]): string[] {
  return [...new Set(rows.map((r) => r.calendarId))].sort();
}

/** A line's key: the same cita never sits in two categories of one report. */
export function rowKey(row: ReportRow): string {
  return `${row.category}:${row.citaId}`;
}

/** The fixes for the chosen rows, each with its chosen (or default) action, never an action the category refuses. */
export function fixRequests(
  rows: readonly ReportRow[],
  chosen: ReadonlyMap<string, FixAction>,
  selected: ReadonlySet<string>,
): FixRequest[] {
  return rows
    .filter((r) => selected.has(rowKey(r)))
    .map((r) => {
      const action = chosen.get(rowKey(r));
      return { citaId: r.citaId, action: action && isActionAllowed(r.category, action) ? action : defaultAction(r.category) };
    });
}

/** "1.2 s" / "850 ms". */
export function durationText(ms: number, locale: string): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toLocaleString(locale, { maximumFractionDigits: 1 })} s`;
}

/** Progress as a whole percentage; 0 before the total is known. */
export function progressPercent(done: number, total: number): number {
  if (total <= 0) return 0;
  return Math.max(0, Math.min(100, Math.round((done / total) * 100)));
}

/** A UTC window bound as the location's date is the core's job; this only trims to `YYYY-MM-DD HH:MM`. */
export function instantText(rfc3339: string): string {
  return rfc3339.replace("T", " ").slice(0, 16);
}

// Immutable updates of the page's selections: the page swaps whole values,
// so Svelte sees each change.

export function toggled(set: ReadonlySet<string>, key: string): ReadonlySet<string> {
  const next = new Set(set);
  if (next.has(key)) next.delete(key);
  else next.add(key);
  return next;
}

/** `keys` all added (on) or all removed (off). */
export function withKeys(set: ReadonlySet<string>, keys: Iterable<string>, on: boolean): ReadonlySet<string> {
  const next = new Set(set);
  for (const k of keys) {
    if (on) next.add(k);
    else next.delete(k);
  }
  return next;
}

export function withChoice(
  map: ReadonlyMap<string, FixAction>,
  key: string,
  action: FixAction,
): ReadonlyMap<string, FixAction> {
  return new Map(map).set(key, action);
}

/** The keys of the rows a batch fixed: requested minus those the core reports failed. */
export function fixedKeys(rows: readonly ReportRow[], failedCitaIds: readonly string[]): string[] {
  const failed = new Set(failedCitaIds);
  return rows.filter((r) => !failed.has(r.citaId)).map(rowKey);
}
