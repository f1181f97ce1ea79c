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
}

/** Builds a column; `listAt(p)` is only asked for positions without an old one. */
export function gatherColumn(
  gather: Gather,
  listAt: (position: number) => readonly string[] | undefined,
  previous: PostingColumn | undefined,
  unrestricted: boolean,
): PostingColumn {
  let names = previous?.names ?? [];
  let ids = previous?.ids ?? new Map<string, number>();
  let grown = false;
  const idOf = (value: string): number => {
    const known = ids.get(value);
    if (known !== undefined) return known;
    if (!grown) [names, ids, grown] = [[...names], new Map(ids), true];
    const id = names.length;
    (names as string[]).push(value);
    (ids as Map<string, number>).set(value, id);
    return id;
  };
  const { size, oldPosition } = gather;
  const start = new Int32Array(size + 1);
  let values = new Int32Array(Math.max(64, previous?.start[previous.start.length - 1] ?? 0) + 16);
  let length = 0;
  const reserve = (more: number) => {
    if (length + more <= values.length) return;
    const larger = new Int32Array(Math.max(values.length * 2, length + more));
    larger.set(values);
    values = larger;
  };
  const push = (id: number) => {
    reserve(1);
    values[length++] = id;
  };
  for (let position = 0; position < size; position++) {
    const old = oldPosition[position]!;
    if (old >= 0 && previous !== undefined) {
      // A run of unchanged items in the same order: one copy of their values, start offsets shifted.
      let last = position;
      while (last + 1 < size && oldPosition[last + 1] === old + (last + 1 - position)) last++;
      const from = previous.start[old]!;
      const to = previous.start[old + (last - position) + 1]!;
      reserve(to - from);
      values.set(previous.values.subarray(from, to), length);
      for (let p = position; p <= last; p++) start[p + 1] = previous.start[old + (p - position) + 1]! - from + length;
      length += to - from;
      position = last;
    } else {
      const list = listAt(position);
      if (list === undefined) {
        if (unrestricted) push(UNRESTRICTED);
      } else for (const value of list) push(idOf(value));
      start[position + 1] = length;
    }
  }
  return { names, ids, start, values };
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

/** Would `gatherColumn` give the items at `changed` the same ids they had in `before`? (Read-only: no dictionary growth.) */
export function sameValuesAt(
  before: PostingColumn,
  changed: readonly number[],
  listAt: (position: number) => readonly string[] | undefined,
  unrestricted: boolean,
): boolean {
  return changed.every((position) => {
    const old = rangeOf(before, position);
    const list = listAt(position);
    if (list === undefined) return unrestricted ? isUnrestricted(old) : old.length === 0;
    return old.length === list.length && list.every((value, k) => before.ids.get(value) === old[k]);
  });
}
