import { type CompiledLineItem, compileLineItem, EXCLUSION_DIMENSIONS, POSTING_DIMENSIONS } from './compile-line-item.js';
import type { DeliveryIndex } from './delivery-index.js';
import type { DeliveryLineItem } from './delivery-types.js';
import type { CompiledTargeting } from './match-targeting.js';
import { ColumnBuilder, type Gather, type PostingColumn } from './posting-columns.js';

/**
 * The per-item half of `compileIndex`: which input items the previous index already holds, the
 * rank order, and the per-position arrays, each copied by old position for an unchanged item and
 * taken from the item compiled now otherwise. Plain loops over typed arrays: at 100,000 items the
 * generic `Array.from(typed, fn)` paths and reading every item object again cost more than the rest.
 */

/**
 * Each input item's position in `previous` when it is the very same object there, else -1. The
 * catalog passes the previous index's items in their order with changes in place, so a walk in step
 * finds them without hashing 100,000 objects; anything else falls back to an identity map.
 */
function previousPositions(lineItems: readonly DeliveryLineItem[], previous: DeliveryIndex | undefined): Int32Array {
  const at = new Int32Array(lineItems.length).fill(-1);
  if (previous === undefined || previous.lineItems.length === 0) return at;
  const before = previous.lineItems;
  let misses = 0;
  for (let a = 0, j = 0; a < lineItems.length; a++) {
    const li = lineItems[a]!;
    // A removed item or two: look a little ahead.
    for (let k = j; k < Math.min(before.length, j + 8); k++)
      if (before[k] === li) {
        at[a] = k;
        j = k + 1;
        break;
      }
    if (at[a] === -1) misses++;
  }
  if (misses <= 64) {
    // A few new or moved items: look each one up (a native scan of the previous array).
    if (misses > 0)
      lineItems.forEach((li, a) => {
        if (at[a] === -1) at[a] = before.indexOf(li);
      });
    return at;
  }
  const known = new Map<DeliveryLineItem, number>();
  before.forEach((li, position) => {
    known.set(li, position);
  });
  lineItems.forEach((li, a) => {
    at[a] = known.get(li) ?? -1;
  });
  return at;
}

export interface RankedInputs {
  readonly gather: Gather;
  /** Position → input index. */
  readonly order: Uint32Array;
  readonly ranks: Uint8Array;
  readonly ecpms: Float64Array;
  readonly reused: number;
  /** The compiled form of the item at a position that was not in the previous index. */
  readonly freshAt: (position: number) => CompiledLineItem;
  /** The bitset values of the items compiled now, by fresh slot (`Gather.freshSlot`) (`POSTING_DIMENSIONS`, `EXCLUSION_DIMENSIONS` order). */
  readonly fresh: { readonly postings: readonly PostingColumn[]; readonly exclusions: readonly PostingColumn[] };
}

/** Compiles the items `previous` does not hold, takes the rank keys of the others, and orders them all. */
export function rankInputs(lineItems: readonly DeliveryLineItem[], previous: DeliveryIndex | undefined): RankedInputs {
  const oldAt = previousPositions(lineItems, previous);
  const m = lineItems.length;
  const freshCount = oldAt.reduce((count, old) => (old < 0 ? count + 1 : count), 0);
  const fresh: CompiledLineItem[] = [];
  const slotOf = new Int32Array(m);
  const ranks = new Uint8Array(m);
  const ecpms = new Float64Array(m);
  const postings = POSTING_DIMENSIONS.map((_, k) => new ColumnBuilder(freshCount, previous?.columns.postings[k], true));
  const exclusions = EXCLUSION_DIMENSIONS.map((_, k) => new ColumnBuilder(freshCount, previous?.columns.exclusions[k], false));
  for (let a = 0; a < m; a++) {
    const old = oldAt[a]!;
    if (old >= 0 && previous !== undefined) {
      slotOf[a] = -1;
      ranks[a] = previous.tierRank[old]!;
      ecpms[a] = previous.ecpmMicros[old]!;
    } else {
      const compiled = compileLineItem(lineItems[a]!);
      slotOf[a] = fresh.length;
      fresh.push(compiled);
      ranks[a] = compiled.tierRank;
      ecpms[a] = compiled.ecpmMicros;
      for (let k = 0; k < postings.length; k++) postings[k]!.add(compiled.postings[k]);
      for (let k = 0; k < exclusions.length; k++) exclusions[k]!.add(compiled.exclusions[k]);
    }
  }
  const order = rankOrder(ranks, ecpms);
  const oldPosition = new Int32Array(m);
  const freshSlot = new Int32Array(m);
  for (let position = 0; position < m; position++) {
    oldPosition[position] = oldAt[order[position]!]!;
    freshSlot[position] = slotOf[order[position]!]!;
  }
  return {
    gather: { size: m, oldPosition, freshSlot },
    order,
    ranks,
    ecpms,
    reused: m - fresh.length,
    freshAt: (position) => fresh[freshSlot[position]!]!,
    fresh: { postings: postings.map((c) => c.finish()), exclusions: exclusions.map((c) => c.finish()) },
  };
}

/** Rank order of the input: tier rank descending, static eCPM descending, input order (a stable sort); no sort when already in order. */
function rankOrder(ranks: Uint8Array, ecpms: Float64Array): Uint32Array {
  const order = new Uint32Array(ranks.length);
  let sorted = true;
  for (let a = 0; a < order.length; a++) {
    order[a] = a;
    if (a > 0 && (ranks[a]! > ranks[a - 1]! || (ranks[a] === ranks[a - 1] && ecpms[a]! > ecpms[a - 1]!))) sorted = false;
  }
  return sorted ? order : order.sort((a, b) => ranks[b]! - ranks[a]! || ecpms[b]! - ecpms[a]! || a - b);
}

export interface PerPosition {
  readonly items: readonly DeliveryLineItem[];
  readonly tierRank: Uint8Array;
  readonly ecpmMicros: Float64Array;
  readonly costMicros: readonly bigint[];
  readonly residual: readonly (CompiledTargeting | undefined)[];
}

/** The index's per-position arrays, in rank order. */
export function perPosition(
  lineItems: readonly DeliveryLineItem[],
  ranked: RankedInputs,
  previous: DeliveryIndex | undefined,
): PerPosition {
  const { order, gather, freshAt } = ranked;
  const m = gather.size;
  const items: DeliveryLineItem[] = new Array(m);
  const tierRank = new Uint8Array(m);
  const ecpmMicros = new Float64Array(m);
  const costMicros: bigint[] = new Array(m);
  const residual: (CompiledTargeting | undefined)[] = new Array(m);
  for (let position = 0; position < m; position++) {
    const a = order[position]!;
    items[position] = lineItems[a]!;
    tierRank[position] = ranked.ranks[a]!;
    ecpmMicros[position] = ranked.ecpms[a]!;
    const old = gather.oldPosition[position]!;
    if (old >= 0 && previous !== undefined) {
      costMicros[position] = previous.costMicros[old]!;
      residual[position] = previous.residual[old];
    } else {
      const compiled = freshAt(position);
      costMicros[position] = compiled.costMicros;
      residual[position] = compiled.residual;
    }
  }
  return { items: Object.freeze(items), tierRank, ecpmMicros, costMicros: Object.freeze(costMicros), residual: Object.freeze(residual) };
}
