/**
 * Posting sets as bitsets over line item positions: one bit per line item,
 * 32 per word. At 100,000 line items a set is 12.5 kB and intersecting three
 * of them is ~9,400 word ANDs, whatever the sets' sizes.
 */
export const wordsFor = (size: number) => (size + 31) >>> 5;

export function setBit(bits: Uint32Array, position: number): void {
  bits[position >>> 5]! |= 1 << (position & 31);
}

/** A value → bitset map where every value's set already includes the items with no restriction (`any`). */
export interface PostingIndex {
  readonly byValue: ReadonlyMap<string, Uint32Array>;
  /** Items that do not restrict this dimension: what an unknown or missing value gets. */
  readonly any: Uint32Array;
  /** Some item restricts the dimension (possibly to nothing); when false every set is every item. */
  readonly restricts: boolean;
}

export const postingFor = (index: PostingIndex, value: string | undefined): Uint32Array =>
  (value === undefined ? undefined : index.byValue.get(value)) ?? index.any;

/** Bytes held by the index's bitsets. */
export const postingBytes = (index: PostingIndex): number =>
  [...index.byValue.values()].reduce((sum, bits) => sum + bits.byteLength, index.any.byteLength);

/** The sets of the request's values on a dimension, to OR together: `[any]` when none of them is indexed. */
export function postingsForAny(index: PostingIndex, values: readonly string[]): Uint32Array[] {
  const sets: Uint32Array[] = [];
  for (let i = 0; i < values.length; i++) {
    const bits = index.byValue.get(values[i]!);
    if (bits) sets.push(bits);
  }
  if (sets.length === 0) sets.push(index.any);
  return sets;
}

/** The exclusion sets the request's values hit, to OR together and clear. */
export function excludedBy(byValue: ReadonlyMap<string, Uint32Array>, values: readonly string[], into: Uint32Array[]): void {
  if (byValue.size === 0) return;
  for (let i = 0; i < values.length; i++) {
    const bits = byValue.get(values[i]!);
    if (bits) into.push(bits);
  }
}
