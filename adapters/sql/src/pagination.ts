import { invalidField, type Page, type PageRequest } from '@adplatform/domain';
import { isUuid } from './pg-errors.js';

/**
 * The cursor of a page request, checked: cursors are ids, and a malformed one
 * is the caller's mistake, not an empty page.
 */
export function cursorOf(page: PageRequest): string | undefined {
  if (page.cursor === undefined) return undefined;
  if (!isUuid(page.cursor)) throw invalidField('query.cursor', 'is not a valid cursor');
  return page.cursor;
}

/** How many rows to fetch: one more than the page holds tells whether another page follows. */
export const fetchSizeOf = (page: PageRequest): number => page.limit + 1;

/** Cuts the rows fetched with `fetchSizeOf` into a page; the cursor is the last id shown. */
export function toPage<Row, Item extends { id: string }>(rows: Row[], page: PageRequest, toItem: (row: Row) => Item): Page<Item> {
  const items = rows.slice(0, page.limit).map(toItem);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > page.limit && last ? last.id : null };
}
