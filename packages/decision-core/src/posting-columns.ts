import type { Targeting } from '@adplatform/domain';
import { type PostingIndex, setBit, wordsFor } from './bitset.js';
import { type RadiusColumns, radiusOnly } from './radius-columns.js';

/**
 * Every position's values on one bitset dimension, as ids into a dictionary, in flat typed arrays:
 * position `p`'s ids are `values[start[p] .. start[p + 1])`; a lone `UNRESTRICTED` id means the item
 * does not restrict the dimension (an empty range: it restricts it to nothing). A rebuild copies an
 * unchanged item's range by its old position instead of reading its compiled object again: scattered
 * reads of 100,000 objects cost more than the rest of a rebuild together. Never mutated once built;
 * the dictionary is copied before it grows.
 */
export interface PostingColumn {
  /** id → value. */
  readonly names: readonly string[];
  readonly ids: ReadonlyMap<string, number>;
  readonly start: Int32Array;
  readonly values: Int32Array;
}

export const UNRESTRICTED = -1;

/** Where each new position's data comes from: its position in the previous index, or -1 for an item compiled now. */
export interface Gather {
  readonly size: number;
  readonly oldPosition: Int32Array;
  /** Per position: the item's slot in the columns of the items compiled now, or -1 when it comes from the previous index. */
  readonly freshSlot: Int32Array;
}

/** A growable Int32Array. */
class IntList {
  values: Int32Array;
  length = 0;
  constructor(capacity: number) {
    this.values = new Int32Array(Math.max(64, capacity));
  }
  reserve(more: number): void {
    if (this.length + more <= this.values.length) return;
    const larger = new Int32Array(Math.max(this.values.length * 2, this.length + more));
    larger.set(this.values);
    this.values = larger;
  }
  push(id: number): void {
    this.reserve(1);
    this.values[this.length++] = id;
  }
}

/**
 * The values of the items compiled in this build, one entry per compiled item (its fresh slot),
 * appended as each item is compiled, while it is still in cache. Its dictionary starts as the previous column's and is copied before it grows, so ids agree.
 */
export class ColumnBuilder {
  private names: readonly string[];
  private ids: ReadonlyMap<string, number>;
  private grown = false;
  private readonly start: Int32Array;
  private readonly list = new IntList(256);
  private count = 0;

  constructor(
    size: number,
    previous: PostingColumn | undefined,
    private readonly unrestricted: boolean,
  ) {
    this.names = previous?.names ?? [];
    this.ids = previous?.ids ?? new Map();
    this.start = new Int32Array(size + 1);
  }

  /** The next compiled item's values (undefined: it does not restrict the dimension). */
  add(values: readonly string[] | undefined): void {
    if (values === undefined) {
      if (this.unrestricted) this.list.push(UNRESTRICTED);
    } else for (const value of values) this.list.push(this.idOf(value));
    this.start[++this.count] = this.list.length;
  }

  finish(): PostingColumn {
    return { names: this.names, ids: this.ids, start: this.start, values: this.list.values };
  }

  private idOf(value: string): number {
    const known = this.ids.get(value);
    if (known !== undefined) return known;
    if (!this.grown) [this.names, this.ids, this.grown] = [[...this.names], new Map(this.ids), true];
    const id = this.names.length;
    (this.names as string[]).push(value);
    (this.ids as Map<string, number>).set(value, id);
    return id;
  }
}

/** Copies `from`'s ranges `[first, first + count)` to the end of `into`, setting `start` from `at`. */
function copyRanges(from: PostingColumn, first: number, count: number, into: IntList, start: Int32Array, at: number): void {
  const begin = from.start[first]!;
  const end = from.start[first + count]!;
  into.reserve(end - begin);
  // A view per copy costs more than a loop for the few ids of one item.
  if (end - begin > 64) into.values.set(from.values.subarray(begin, end), into.length);
  else for (let k = begin, to = into.length; k < end; k++, to++) into.values[to] = from.values[k]!;
  for (let k = 1; k <= count; k++) start[at + k] = from.start[first + k]! - begin + into.length;
  into.length += end - begin;
}

/** The column in rank order: an unchanged item's range from `previous` (runs copied at once), a fresh one's from `fresh`. */
export function gatherColumn(gather: Gather, fresh: PostingColumn, previous: PostingColumn | undefined): PostingColumn {
  const { size, oldPosition, freshSlot } = gather;
  const start = new Int32Array(size + 1);
  const into = new IntList((previous?.start[previous.start.length - 1] ?? 0) + (fresh.start[fresh.start.length - 1] ?? 0));
  for (let position = 0; position < size; position++) {
    const old = oldPosition[position]!;
    if (old < 0 || previous === undefined) {
      copyRanges(fresh, freshSlot[position]!, 1, into, start, position);
      continue;
    }
    let last = position;
    while (last + 1 < size && oldPosition[last + 1] === old + (last + 1 - position)) last++;
    copyRanges(previous, old, last - position + 1, into, start, position);
    position = last;
  }
  return { names: fresh.names, ids: fresh.ids, start, values: into.values };
}

function setOf(sets: (Uint32Array | undefined)[], id: number, words: number): Uint32Array {
  let bits = sets[id];
  if (bits === undefined) {
    bits = new Uint32Array(words);
    sets[id] = bits;
  }
  return bits;
}

/** The posting bitsets of a column: each value's set includes the unrestricted items (`any`). */
export function postingIndexOf(column: PostingColumn): PostingIndex {
  const size = column.start.length - 1;
  const words = wordsFor(size);
  const any = new Uint32Array(words);
  const sets: (Uint32Array | undefined)[] = new Array(column.names.length);
  let restricts = false;
  const { start, values } = column;
  for (let position = 0; position < size; position++) {
    const from = start[position]!;
    const to = start[position + 1]!;
    if (to - from === 1 && values[from] === UNRESTRICTED) {
      setBit(any, position);
      continue;
    }
    restricts = true;
    for (let k = from; k < to; k++) setBit(setOf(sets, values[k]!, words), position);
  }
  const byValue = new Map<string, Uint32Array>();
  sets.forEach((bits, id) => {
    if (bits === undefined) return;
    for (let w = 0; w < words; w++) bits[w]! |= any[w]!;
    byValue.set(column.names[id]!, bits);
  });
  return { byValue, any, restricts };
}

/** value → the items that value rules out. */
export function exclusionIndexOf(column: PostingColumn): Map<string, Uint32Array> {
  const size = column.start.length - 1;
  const words = wordsFor(size);
  const byValue = new Map<string, Uint32Array>();
  const sets: (Uint32Array | undefined)[] = new Array(column.names.length);
  for (let position = 0; position < size; position++)
    for (let k = column.start[position]!; k < column.start[position + 1]!; k++) setBit(setOf(sets, column.values[k]!, words), position);
  sets.forEach((bits, id) => {
    if (bits !== undefined) byValue.set(column.names[id]!, bits);
  });
  return byValue;
}

/** The radius columns, copying unchanged items' circles from the previous index. */
export function gatherRadius(
  gather: Gather,
  radiusAt: (position: number) => Targeting | undefined,
  previous: RadiusColumns | undefined,
): RadiusColumns {
  const start = new Int32Array(gather.size + 1);
  const circles: number[] = [];
  for (let position = 0; position < gather.size; position++) {
    const old = gather.oldPosition[position]!;
    if (old >= 0 && previous !== undefined) {
      for (let k = 3 * previous.start[old]!, end = 3 * previous.start[old + 1]!; k < end; k++) circles.push(previous.circles[k]!);
    } else {
      const t = radiusAt(position);
      if (t !== undefined && radiusOnly(t)) for (const c of t.geo?.radius ?? []) circles.push(c.lat, c.lon, c.km);
    }
    start[position + 1] = circles.length / 3;
  }
  return { start, circles: Float64Array.from(circles) };
}

/**
 * The positions compiled anew when every other item kept its position (an edit that moves no item
 * in rank order: targeting, creatives, budgets, caps); undefined when positions moved.
 */
export function changedInPlace(gather: Gather, previousSize: number): number[] | undefined {
  if (gather.size !== previousSize) return undefined;
  const changed: number[] = [];
  for (let position = 0; position < gather.size; position++) {
    const old = gather.oldPosition[position]!;
    if (old === -1) changed.push(position);
    else if (old !== position) return undefined;
  }
  return changed;
}

const rangeOf = (column: PostingColumn, position: number) => column.values.subarray(column.start[position]!, column.start[position + 1]!);
const isUnrestricted = (ids: Int32Array) => ids.length === 1 && ids[0] === UNRESTRICTED;
const sameIds = (a: Int32Array, b: Int32Array) => a.length === b.length && a.every((id, k) => id === b[k]);

/** Did the items at `changed` keep exactly their values in this column? Then the previous bitsets still hold. */
export const unchangedAt = (before: PostingColumn, after: PostingColumn, changed: readonly number[]): boolean =>
  changed.every((position) => sameIds(rangeOf(before, position), rangeOf(after, position)));

function clearBit(bits: Uint32Array, position: number): void {
  bits[position >>> 5]! &= ~(1 << (position & 31));
}

/** The ids whose sets the items at `changed` enter or leave. */
function touchedIds(before: PostingColumn, after: PostingColumn, changed: readonly number[]): Set<number> {
  const touched = new Set<number>();
  for (const position of changed)
    for (const ids of [rangeOf(before, position), rangeOf(after, position)]) for (const id of ids) if (id !== UNRESTRICTED) touched.add(id);
  return touched;
}

/**
 * The previous posting index with only the sets of the values the items at `changed` enter or leave
 * copied and patched; every other set is shared (both snapshots only read them). Undefined when an
 * item starts or stops restricting the dimension: then every set changes, so build it whole.
 */
export function patchPostingIndex(
  previous: PostingIndex,
  before: PostingColumn,
  after: PostingColumn,
  changed: readonly number[],
): PostingIndex | undefined {
  if (changed.some((p) => isUnrestricted(rangeOf(before, p)) !== isUnrestricted(rangeOf(after, p)))) return undefined;
  const byValue = new Map(previous.byValue);
  for (const id of touchedIds(before, after, changed)) {
    const name = after.names[id]!;
    const bits = (previous.byValue.get(name) ?? previous.any).slice();
    for (const position of changed) {
      const ids = rangeOf(after, position);
      if (isUnrestricted(ids)) continue;
      if (ids.includes(id)) setBit(bits, position);
      else clearBit(bits, position);
    }
    byValue.set(name, bits);
  }
  return { byValue, any: previous.any, restricts: previous.restricts };
}

/** The previous exclusion sets with only those of the values the items at `changed` enter or leave copied and patched. */
export function patchExclusionIndex(
  previous: ReadonlyMap<string, Uint32Array>,
  before: PostingColumn,
  after: PostingColumn,
  changed: readonly number[],
  words: number,
): Map<string, Uint32Array> {
  const byValue = new Map(previous);
  for (const id of touchedIds(before, after, changed)) {
    const name = after.names[id]!;
    const bits = previous.get(name)?.slice() ?? new Uint32Array(words);
    for (const position of changed) {
      if (rangeOf(after, position).includes(id)) setBit(bits, position);
      else clearBit(bits, position);
    }
    if (bits.some((word) => word !== 0)) byValue.set(name, bits);
    else byValue.delete(name);
  }
  return byValue;
}

/** Do the items compiled at `changed` (positions) carry exactly the ids they had in `before`? */
export function sameIdsAt(before: PostingColumn, fresh: PostingColumn, gather: Gather, changed: readonly number[]): boolean {
  return changed.every((position) => sameIds(rangeOf(before, position), rangeOf(fresh, gather.freshSlot[position]!)));
}
