import { excludedBy, postingFor, postingsForAny } from './bitset.js';
import type { DeliveryIndex } from './delivery-index.js';
import type { LocalTime } from './local-time.js';
import { passesAll } from './match-targeting.js';
import { passesRadius } from './radius-columns.js';
import type { PreparedRequest } from './request-context.js';

export const dayPartKey = (zone: string, weekday: number, hour: number) => `${zone} ${weekday * 24 + hour}`;

/** The day-part key of a zone's current local hour, kept while `localTimeAt` returns the same (cached) hour. */
const hourKeys = new Map<string, { time: LocalTime; key: string }>();
function hourKeyOf(zone: string, time: LocalTime): string {
  const cached = hourKeys.get(zone);
  if (cached !== undefined && cached.time === time) return cached.key;
  const key = dayPartKey(zone, time.weekday, time.hour);
  hourKeys.set(zone, { time, key });
  return key;
}
const oneOf = (value: string | undefined): readonly string[] => (value === undefined ? [] : [value]);

/**
 * The positions whose targeting admits a request, lazily and in position (rank) order: the
 * intersection of the posting sets, a word of 32 items at a time, minus the exclusion sets, then the
 * radius columns and the residual checks on the survivors. `peek` finds the next one without taking
 * it, so a ranking can stop as soon as no later item can beat what it holds. One scan per slot.
 */
export class TargetingScan {
  private readonly placement: Uint32Array;
  private readonly country: Uint32Array;
  private readonly device: Uint32Array;
  private readonly groups: Uint32Array[][];
  private readonly excluded: Uint32Array[] = [];
  private word = -1;
  private bits = 0;
  /** The next admitted position once found, -1 at the end, -2 before looking. */
  private next = -2;

  constructor(
    private readonly index: DeliveryIndex,
    private readonly req: PreparedRequest,
  ) {
    this.placement = postingFor(index.placement, req.placementId);
    this.country = postingFor(index.country, req.country);
    this.device = postingFor(index.deviceType, req.deviceType);
    const hours: string[] = [];
    for (const zone of index.dayPartZones) hours.push(hourKeyOf(zone, req.localTime(zone)));
    // Each group is an OR of sets (the request matches through any one of its values); the groups are ANDed.
    // A dimension no item restricts has every item in its `any` set: no need to AND it.
    this.groups = [];
    if (index.dayParts.restricts) this.groups.push(postingsForAny(index.dayParts, hours));
    if (index.keywordsAny.restricts) this.groups.push(postingsForAny(index.keywordsAny, req.keywordList));
    if (index.segmentsAny.restricts) this.groups.push(postingsForAny(index.segmentsAny, req.segmentList));
    if (index.os.restricts) this.groups.push([postingFor(index.os, req.os)]);
    if (index.browser.restricts) this.groups.push([postingFor(index.browser, req.browser)]);
    if (index.languages.restricts) this.groups.push(postingsForAny(index.languages, req.languageList));
    excludedBy(index.keywordsNone, req.keywordList, this.excluded);
    excludedBy(index.segmentsNone, req.segmentList, this.excluded);
    if (req.os !== undefined && index.excludeOs.size > 0) excludedBy(index.excludeOs, oneOf(req.os), this.excluded);
    excludedBy(index.domainsBlock, req.domainList, this.excluded);
  }

  /** The next admitted position without taking it; -1 when there is none. */
  peek(): number {
    if (this.next === -2) this.next = this.find();
    return this.next;
  }

  /** Takes the position `peek` returned. */
  skip(): void {
    this.next = -2;
  }

  /** Drops every admitted position before `position` (a jump to the next tier). */
  skipTo(position: number): void {
    if (this.next >= 0 && this.next < position) this.next = -2;
    if (this.next !== -2) return;
    const w = position >>> 5;
    if (w >= this.index.words) {
      this.word = this.index.words;
      this.bits = 0;
      return;
    }
    if (w > this.word) {
      this.word = w;
      this.bits = this.wordAt(w);
    }
    // Clear the bits below `position` in its word (the word is the current one now).
    if (w === this.word) this.bits &= ~((1 << (position & 31)) - 1) | 0;
  }

  private find(): number {
    const { residual, radius, words } = this.index;
    const { lat, lon } = this.req;
    for (;;) {
      while (this.bits === 0) {
        if (++this.word >= words) {
          this.word = words;
          return -1;
        }
        this.bits = this.wordAt(this.word);
      }
      const lowest = this.bits & -this.bits;
      this.bits ^= lowest;
      const position = (this.word << 5) + 31 - Math.clz32(lowest);
      if (!passesRadius(radius, position, lat, lon)) continue;
      const rest = residual[position];
      if (rest === undefined || passesAll(rest, this.req)) return position;
    }
  }

  private wordAt(w: number): number {
    let bits = this.placement[w]! & this.country[w]! & this.device[w]!;
    const groups = this.groups;
    for (let g = 0; g < groups.length && bits !== 0; g++) {
      const sets = groups[g]!;
      let either = 0;
      for (let s = 0; s < sets.length; s++) either |= sets[s]![w]!;
      bits &= either;
    }
    const excluded = this.excluded;
    for (let x = 0; x < excluded.length && bits !== 0; x++) bits &= ~excluded[x]![w]!;
    return bits;
  }
}
