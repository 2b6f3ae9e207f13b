// The list of citas: its filters as the core's ListQuery, the sort a
// header click asks for, and the virtual window (only the rows in view are
// in the page, fetched in pages as they scroll in). Pure, tested.

import type { ListQuery } from "../bindings/ListQuery";
import type { ListRow } from "../bindings/ListRow";
import type { ListSort } from "../bindings/ListSort";
import { addDays } from "./dates";

/** Rows fetched per call as the list scrolls. */
export const PAGE_SIZE = 200;
/** Height of a row in px: fixed, so a row's place is its index × this. */
export const ROW_HEIGHT = 34;

export interface ListFilters {
  from: string;
  to: string;
  /** One GHL status, or "" for every status. */
  status: string;
  calendarId: string;
  practitionerId: string;
  /**
   * A room (GHL calendar resource). Rooms are synced by #17's rooms work;
   * until the core knows them the list shows no room filter and this stays "".
   */
  roomId: string;
  patient: string;
}

export interface ListOrder {
  sort: ListSort;
  descending: boolean;
}

/** The list when first opened: today and the next 30 days. */
export function defaultFilters(today: string): ListFilters {
  return { from: today, to: addDays(today, 30), status: "", calendarId: "", practitionerId: "", roomId: "", patient: "" };
}

const orNull = (s: string) => (s.trim() === "" ? null : s.trim());

export function toQuery(f: ListFilters, order: ListOrder, offset = 0, limit = PAGE_SIZE): ListQuery {
  return {
    from: f.from,
    to: f.to,
    statuses: f.status ? [f.status] : [],
    calendarId: orNull(f.calendarId),
    practitionerId: orNull(f.practitionerId),
    roomId: orNull(f.roomId),
    patient: orNull(f.patient),
    sort: order.sort,
    descending: order.descending,
    offset,
    limit,
  };
}

/** A click on a column's header: the same column flips the direction, another sorts ascending. */
export function nextOrder(current: ListOrder, column: ListSort): ListOrder {
  return current.sort === column ? { sort: column, descending: !current.descending } : { sort: column, descending: false };
}

/** Rows `[first, end)` to draw for a scroll position, with `overscan` rows either side. */
export function visibleRows(
  scrollTop: number,
  viewport: number,
  total: number,
  rowHeight = ROW_HEIGHT,
  overscan = 10,
): { first: number; end: number } {
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const end = Math.min(total, Math.ceil((scrollTop + viewport) / rowHeight) + overscan);
  return { first, end: Math.max(first, end) };
}

/** Pages (by index) holding rows `[first, end)`. */
export function pagesFor(first: number, end: number, pageSize = PAGE_SIZE): number[] {
  if (end <= first) return [];
  const pages: number[] = [];
  for (let p = Math.floor(first / pageSize); p <= Math.floor((end - 1) / pageSize); p++) pages.push(p);
  return pages;
}

/** The rows fetched so far, by page; a new query starts an empty one. */
export class PageCache {
  readonly #pages = new Map<number, ListRow[]>();
  readonly #asked = new Set<number>();
  readonly pageSize: number;
  constructor(pageSize = PAGE_SIZE) {
    this.pageSize = pageSize;
  }
  has(page: number): boolean {
    return this.#pages.has(page);
  }
  /** True when `page` is neither fetched nor asked for yet: the caller fetches it. */
  claim(page: number): boolean {
    if (this.#pages.has(page) || this.#asked.has(page)) return false;
    this.#asked.add(page);
    return true;
  }
  /** A fetch ended (stored or failed): `page` may be asked again if missing. */
  release(page: number): void {
    this.#asked.delete(page);
  }
  put(page: number, rows: ListRow[]): void {
    this.#pages.set(page, rows);
  }
  row(index: number): ListRow | null {
    return this.#pages.get(Math.floor(index / this.pageSize))?.[index % this.pageSize] ?? null;
  }
}
