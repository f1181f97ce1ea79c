import type { FrequencyRecord } from './counters.js';

/**
 * The bucket layout both counter adapters share, so they count alike.
 *
 * Each impression of a scope increments one minute, one hour and one day
 * bucket and a lifetime counter. A window is answered from the finest
 * resolution that still keeps enough history for it: every bucket from the one
 * holding the window's start onwards is summed. So a count never misses an
 * impression in the window, and over-counts by at most the impressions in the
 * part of that first bucket before the window's start (under a minute of
 * history for windows up to an hour, an hour up to a week, a day up to 400
 * days). Longer windows use the lifetime counter.
 */
export const FREQUENCY_RESOLUTIONS = [
  { tag: 'm', bucketMs: 60_000, maxWindowMs: 3_600_000 },
  { tag: 'h', bucketMs: 3_600_000, maxWindowMs: 7 * 86_400_000 },
  { tag: 'd', bucketMs: 86_400_000, maxWindowMs: 400 * 86_400_000 },
] as const;

/** How long a user's record is kept after its last impression (lifetime counts are forgotten after that). */
export const FREQUENCY_RECORD_TTL_MS = 401 * 86_400_000;

const LIFETIME_TAG = 'l';

interface ScopeCounts {
  lifetime: number;
  /** One map per resolution, bucket index → impressions. */
  buckets: Map<number, number>[];
}

/** The storage fields one impression of `scopeId` at `atMs` increments: `m<minute>:<scope>`, `h…`, `d…`, `l:<scope>`. */
export function frequencyFieldsOf(scopeId: string, atMs: number): string[] {
  return [...FREQUENCY_RESOLUTIONS.map((r) => `${r.tag}${Math.floor(atMs / r.bucketMs)}:${scopeId}`), `${LIFETIME_TAG}:${scopeId}`];
}

/**
 * Per resolution tag, the oldest bucket index still needed at `nowMs` (one
 * bucket of slack for clocks that differ between processes); older buckets can
 * be dropped.
 */
export function frequencyCutoffs(nowMs: number): Record<string, number> {
  const cutoffs: Record<string, number> = {};
  for (const r of FREQUENCY_RESOLUTIONS) cutoffs[r.tag] = Math.floor((nowMs - r.maxWindowMs) / r.bucketMs) - 1;
  return cutoffs;
}

const FIELD = /^([mhdl])(-?\d*):(.*)$/s;

/** A user's impression counts in buckets; memory keeps one per user, Redis parses one from a hash. */
export class FrequencyTally {
  private readonly scopes = new Map<string, ScopeCounts>();
  private fieldCount = 0;

  /** Fields held (buckets plus lifetime counters), for memory bounds. */
  get size(): number {
    return this.fieldCount;
  }

  add(scopeId: string, atMs: number, impressions = 1): void {
    const counts = this.scopeOf(scopeId);
    counts.lifetime += impressions;
    FREQUENCY_RESOLUTIONS.forEach((r, i) => {
      this.bump(counts.buckets[i] as Map<number, number>, Math.floor(atMs / r.bucketMs), impressions);
    });
  }

  /** Adds a stored field (`frequencyFieldsOf`'s format); false for a field it does not know. */
  addField(field: string, impressions: number): boolean {
    const match = FIELD.exec(field);
    if (!match || !Number.isFinite(impressions)) return false;
    const [, tag, index, scopeId] = match as unknown as [string, string, string, string];
    const counts = this.scopeOf(scopeId);
    if (tag === LIFETIME_TAG) {
      counts.lifetime += impressions;
      return true;
    }
    const at = FREQUENCY_RESOLUTIONS.findIndex((r) => r.tag === tag);
    if (index === '' || at < 0) return false;
    this.bump(counts.buckets[at] as Map<number, number>, Number(index), impressions);
    return true;
  }

  /** Impressions of the scope in `(nowMs - windowMs, nowMs]`, or ever when windowMs is null (see the module comment). */
  countAt(scopeId: string, windowMs: number | null, nowMs: number): number {
    const counts = this.scopes.get(scopeId);
    if (!counts) return 0;
    if (windowMs !== null && windowMs <= 0) return 0;
    const at = windowMs === null ? -1 : FREQUENCY_RESOLUTIONS.findIndex((r) => windowMs <= r.maxWindowMs);
    if (at < 0 || windowMs === null) return counts.lifetime;
    const first = Math.floor((nowMs - windowMs) / (FREQUENCY_RESOLUTIONS[at] as { bucketMs: number }).bucketMs);
    let total = 0;
    for (const [index, impressions] of counts.buckets[at] as Map<number, number>) if (index >= first) total += impressions;
    return total;
  }

  /** A record answering counts as of `nowMs`. */
  at(nowMs: number): FrequencyRecord {
    return { count: (scopeId, windowMs) => this.countAt(scopeId, windowMs, nowMs) };
  }

  /** Drops buckets no window can need any more at `nowMs`. */
  prune(nowMs: number): void {
    const cutoffs = frequencyCutoffs(nowMs);
    for (const counts of this.scopes.values()) {
      FREQUENCY_RESOLUTIONS.forEach((r, i) => {
        const buckets = counts.buckets[i] as Map<number, number>;
        const cutoff = cutoffs[r.tag] as number;
        for (const index of buckets.keys()) {
          if (index < cutoff) {
            buckets.delete(index);
            this.fieldCount--;
          }
        }
      });
    }
  }

  private scopeOf(scopeId: string): ScopeCounts {
    let counts = this.scopes.get(scopeId);
    if (!counts) {
      counts = { lifetime: 0, buckets: FREQUENCY_RESOLUTIONS.map(() => new Map<number, number>()) };
      this.scopes.set(scopeId, counts);
      this.fieldCount++;
    }
    return counts;
  }

  private bump(buckets: Map<number, number>, index: number, impressions: number): void {
    const before = buckets.get(index);
    if (before === undefined) this.fieldCount++;
    buckets.set(index, (before ?? 0) + impressions);
  }
}
