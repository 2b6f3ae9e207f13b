// The Panel's pure helpers: the default range, a day's label, and each
// chart's series as uPlot takes them (x: seconds of each day's local noon
// read as UTC, so the axis never slips a day whatever the machine's zone).

import type { Dashboard } from "../bindings/Dashboard";
import type { DashboardChart } from "../bindings/DashboardChart";
import type { MessageKey } from "./i18n";

/** YYYY-MM-DD of `date` moved by `days`. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The default range: the 30 days ending today. */
export function defaultRange(today: string): { from: string; to: string } {
  return { from: addDays(today, -29), to: today };
}

/** A day as the x value of a chart (seconds). */
export function dayX(day: string): number {
  return Date.parse(`${day}T12:00:00Z`) / 1000;
}

export interface Series {
  /** i18n key of the series' name. */
  label: MessageKey;
  values: (number | null)[];
  color: string;
}

export interface ChartData {
  chart: DashboardChart;
  days: string[];
  series: Series[];
  /** Rates are shown as percentages. */
  percent: boolean;
}

const pctOf = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 10);

/** The day charts of a dashboard, in the Panel's order. */
export function dayCharts(d: Dashboard): ChartData[] {
  const days = d.citasPerDay.map((c) => c.day);
  return [
    {
      chart: "citas_per_day",
      days,
      percent: false,
      series: [
        { label: "panel.status.total", values: d.citasPerDay.map((c) => c.total), color: "#334155" },
        { label: "panel.status.showed", values: d.citasPerDay.map((c) => c.showed), color: "#15803d" },
        { label: "panel.status.confirmed", values: d.citasPerDay.map((c) => c.confirmed), color: "#0f766e" },
        { label: "panel.status.new", values: d.citasPerDay.map((c) => c.new), color: "#2563eb" },
        { label: "panel.status.noshow", values: d.citasPerDay.map((c) => c.noshow), color: "#b45309" },
        { label: "panel.status.cancelled", values: d.citasPerDay.map((c) => c.cancelled), color: "#b91c1c" },
      ],
    },
    {
      chart: "rates",
      days: d.rates.map((r) => r.day),
      percent: true,
      series: [
        { label: "panel.rate.noShow", values: d.rates.map((r) => pctOf(r.noShowRate)), color: "#b45309" },
        { label: "panel.rate.cancellation", values: d.rates.map((r) => pctOf(r.cancellationRate)), color: "#b91c1c" },
      ],
    },
    {
      chart: "patients",
      days: d.patients.map((p) => p.day),
      percent: false,
      series: [
        { label: "panel.patients.new", values: d.patients.map((p) => p.new), color: "#2563eb" },
        { label: "panel.patients.returning", values: d.patients.map((p) => p.returning), color: "#15803d" },
      ],
    },
    {
      chart: "differences",
      days: d.differences.map((x) => x.day),
      percent: false,
      series: [
        { label: "panel.differences.count", values: d.differences.map((x) => x.differences), color: "#7c3aed" },
      ],
    },
    // Only once a cita of the range was reminded; the Panel says "no data" otherwise.
    ...(d.confirmations.available
      ? [
          {
            chart: "confirmations" as const,
            days: d.confirmations.days.map((c) => c.day),
            percent: true,
            series: [
              { label: "panel.confirmations.rate" as const, values: d.confirmations.days.map((c) => pctOf(c.rate)), color: "#0f766e" },
            ],
          },
        ]
      : []),
  ];
}

/** An occupancy as a percentage with one decimal, or "–". */
export function occupancyLabel(value: number | null): string {
  return value === null ? "–" : `${Math.round(value * 1000) / 10}%`;
}
