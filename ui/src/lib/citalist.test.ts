import { describe, expect, it } from "vitest";
import type { ListRow } from "../bindings/ListRow";
import { defaultFilters, nextOrder, PageCache, pagesFor, toQuery, visibleRows } from "./citalist";

describe("list of citas", () => {
  it("turns the filters into the core's query", () => {
    const f = { ...defaultFilters("2026-11-23"), status: "showed", patient: "  rosa " };
    expect(f.to).toBe("2026-12-23");
    const q = toQuery(f, { sort: "patient", descending: true }, 400);
    expect(q).toMatchObject({
      from: "2026-11-23",
      statuses: ["showed"],
      calendarId: null,
      roomId: null,
      patient: "rosa",
      sort: "patient",
      descending: true,
      offset: 400,
      limit: 200,
    });
    expect(toQuery(defaultFilters("2026-11-23"), { sort: "start", descending: false }).statuses).toEqual([]);
  });

  it("sorts by a clicked header, flipping on a second click", () => {
    const asc = nextOrder({ sort: "start", descending: false }, "patient");
    expect(asc).toEqual({ sort: "patient", descending: false });
    expect(nextOrder(asc, "patient")).toEqual({ sort: "patient", descending: true });
  });

  it("draws only the rows in view, and fetches their pages", () => {
    // 25,000 rows of 34 px, a 600 px window scrolled to row 10,000.
    const { first, end } = visibleRows(10_000 * 34, 600, 25_000, 34, 10);
    expect(first).toBe(9_990);
    expect(end).toBe(10_028);
    expect(pagesFor(first, end, 200)).toEqual([49, 50]);
    expect(visibleRows(0, 600, 3, 34, 10)).toEqual({ first: 0, end: 3 });
    expect(pagesFor(0, 0)).toEqual([]);
  });

  it("keeps fetched pages by index", () => {
    const cache = new PageCache(2);
    const row = (id: string) => ({ id }) as ListRow;
    cache.put(1, [row("c"), row("d")]);
    expect(cache.has(1)).toBe(true);
    expect(cache.row(3)?.id).toBe("d");
    expect(cache.row(0)).toBeNull();
    expect(cache.claim(0)).toBe(true);
    expect(cache.claim(0)).toBe(false);
    expect(cache.claim(1)).toBe(false);
    cache.release(0);
    expect(cache.claim(0)).toBe(true);
  });
});
