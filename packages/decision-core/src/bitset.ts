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

/** `valuesOf(i)` is the item's list on the dimension, or undefined when it does not restrict it. */
export function buildPostingIndex(size: number, valuesOf: (position: number) => readonly string[] | undefined): PostingIndex {
  const words = wordsFor(size);
  const any = new Uint32Array(words);
  const byValue = new Map<string, Uint32Array>();
  let restricts = false;
  for (let position = 0; position < size; position++) {
    const values = valuesOf(position);
    if (values === undefined) {
      setBit(any, position);
      continue;
    }
    restricts = true;
    for (const value of values) {
      let bits = byValue.get(value);
      if (!bits) {
        bits = new Uint32Array(words);
        byValue.set(value, bits);
      }
      setBit(bits, position);
    }
  }
  for (const bits of byValue.values()) for (let w = 0; w < words; w++) bits[w]! |= any[w]!;
  return { byValue, any, restricts };
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

/** value → the items a request with that value is ruled out of (a `none`, `block` or `exclude` list); no `any` part. */
export function buildExcludeIndex(size: number, valuesOf: (position: number) => readonly string[] | undefined): Map<string, Uint32Array> {
  const words = wordsFor(size);
  const byValue = new Map<string, Uint32Array>();
  for (let position = 0; position < size; position++) {
    for (const value of valuesOf(position) ?? []) {
      let bits = byValue.get(value);
      if (!bits) {
        bits = new Uint32Array(words);
        byValue.set(value, bits);
      }
      setBit(bits, position);
    }
  }
  return byValue;
}

/** The exclusion sets the request's values hit, to OR together and clear. */
export function excludedBy(byValue: ReadonlyMap<string, Uint32Array>, values: readonly string[], into: Uint32Array[]): void {
  if (byValue.size === 0) return;
  for (let i = 0; i < values.length; i++) {
    const bits = byValue.get(values[i]!);
    if (bits) into.push(bits);
  }
}
