/**
 * Deterministic uniform numbers for one decision. `decide` draws one 32-bit seed from the caller's
 * `random` per request and derives every other draw (a line item's pacing throttle, its creative
 * rotation, its place among equal bids) from the seed, the purpose and the item's position, so the
 * outcome does not depend on the order in which items happen to be looked at (explaining a decision
 * looks at every item; the hot path stops at the winner) and the same seed gives the same decision.
 */
export function mix32(x: number): number {
  // murmur3's finalizer: every input bit affects every output bit.
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export const PURPOSE = { pacing: 0x9e3779b9, creative: 0x7f4a7c15, tie: 0x94d049bb } as const;

/** A uniform 32-bit integer for (seed, purpose, position). */
export const hash32 = (seed: number, purpose: number, position: number): number =>
  mix32(mix32(seed ^ purpose) + Math.imul(position + 1, 0x27d4eb2f));

/** The same as a number in [0, 1). */
export const unitOf = (seed: number, purpose: number, position: number): number => hash32(seed, purpose, position) / 4_294_967_296;

/** FNV-1a of a string, mixed: a stable [0, 1) per string (an A/B arm per user key and experiment). */
export function unitOfString(value: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) h = Math.imul(h ^ value.charCodeAt(i), 0x01000193);
  return mix32(h) / 4_294_967_296;
}
