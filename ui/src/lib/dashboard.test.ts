import { describe, expect, it } from "vitest";
import type { Dashboard } from "../bindings/Dashboard";
import { addDays, dayCharts, dayX, defaultRange, occupancyLabel } from "./dashboard";

const dashboard: Dashboard = {
  locationId: "l",
  timeZone: "America/Lima",
  from: "2026-12-14",
  to: "2026-12-15",
  citasPerDay: [
    { day: "2026-12-14", total: 4, new: 0, confirmed: 1, showed: 1, noshow: 1, cancelled: 1, other: 0 },
    { day: "2026-12-15", total: 2, new: 0, confirmed: 0, showed: 2, noshow: 0, cancelled: 0, other: 0 },
  ],
  rates: [
    { day: "2026-12-14", noShowRate: 0.5, cancellationRate: 0.25 },
    { day: "2026-12-15", noShowRate: null, cancellationRate: 0 },
  ],
  occupancy: [],
  patients: [
    { day: "2026-12-14", new: 1, returning: 2 },
    { day: "2026-12-15", new: 0, returning: 2 },
  ],
  differences: [
    { day: "2026-12-14", differences: 6 },
    { day: "2026-12-15", differences: null },
  ],
  confirmations: { available: false, days: [] },
  elapsedMs: 3,
};

describe("dashboard", () => {
  it("ranges end today and cross month and year ends", () => {
    expect(defaultRange("2026-01-10")).toEqual({ from: "2025-12-12", to: "2026-01-10" });
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
  });

  it("builds each day chart's series, rates as percentages and gaps as null", () => {
    const charts = dayCharts(dashboard);
    expect(charts.map((c) => c.chart)).toEqual(["citas_per_day", "rates", "patients", "differences"]);
    const values = (chart: number, series: number) => charts[chart]?.series[series]?.values;
    expect(values(0, 0)).toEqual([4, 2]);
    expect(values(1, 0)).toEqual([50, null]);
    expect(values(1, 1)).toEqual([25, 0]);
    expect(values(3, 0)).toEqual([6, null]);
    expect(dayX("2026-12-15") - dayX("2026-12-14")).toBe(86400);
  });

  it("charts the confirmation rate only once a cita of the range was reminded", () => {
    const reminded: Dashboard = {
      ...dashboard,
      confirmations: {
        available: true,
        days: [
          { day: "2026-12-14", reminded: 2, confirmed: 1, rate: 0.5 },
          { day: "2026-12-15", reminded: 0, confirmed: 0, rate: null },
        ],
      },
    };
    const chart = dayCharts(reminded).find((c) => c.chart === "confirmations");
    expect(chart?.percent).toBe(true);
    expect(chart?.series[0]?.values).toEqual([50, null]);
    expect(dayCharts(dashboard).some((c) => c.chart === "confirmations")).toBe(false);
  });

  it("labels occupancy with one decimal", () => {
    expect(occupancyLabel(30 / 1200)).toBe("2.5%");
    expect(occupancyLabel(null)).toBe("–");
  });
});
