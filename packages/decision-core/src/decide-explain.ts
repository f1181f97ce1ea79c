import { categoryKeys } from './blocklists.js';
import { chooseCreative } from './creative-fit.js';
import { bidContender, contend, type DecisionRun, floorForSize, ruleForSize, type SlotRun } from './decide-checks.js';
import type { DecisionRequest, DecisionSlot, ExplainEntry, Selection } from './decide-types.js';
import type { DeliveryLineItem } from './delivery-types.js';
import { firstFailure } from './match-targeting.js';
import { TargetingScan } from './targeting-scan.js';
import { PURPOSE, unitOf } from './unit-hash.js';

/** What the request had filled once a slot was done. */
export interface TakenView {
  readonly positions: ReadonlySet<number>;
  readonly bids: ReadonlySet<string>;
  readonly advertisers: ReadonlySet<string>;
  readonly domains: ReadonlySet<string>;
  readonly allowDuplicates: boolean;
  readonly pending: ReadonlyMap<string, number>;
}

export interface SlotOutcome {
  readonly slot: DecisionSlot;
  /** Undefined when the placement is unknown. */
  readonly slotRun: SlotRun | undefined;
  readonly selections: readonly Selection[];
  readonly takenAfter: TakenView;
}

const REASONS = {
  creative: 'no approved creative fits the placement (format, and size for image and HTML)',
  flight: 'outside its flight',
  'frequency-cap': 'frequency cap reached for this user',
  budget: 'budget spent, or no local allowance left',
  pacing: 'throttled by even pacing: spend is ahead of the curve',
  floor: 'eCPM below the floor (the placement’s, or the slot’s when higher)',
  blocked: 'blocked by the request (badv: its advertiser domain; bcat: the category of every creative that fits)',
} as const;

/** The floor step's reason with the floor's figure and the rule that set it, if one did. */
function floorReason(slotRun: SlotRun, width: number | undefined, height: number | undefined): string {
  const floorMicros = floorForSize(slotRun, width, height);
  const rule = ruleForSize(slotRun, width, height);
  const by = rule !== undefined && rule.floorMicros >= floorMicros ? `floor rule ${rule.label}` : 'the placement’s or the slot’s floor';
  return `eCPM below the floor of ${floorMicros} micros (set by ${by})`;
}

/** Which of the request's blocklists removed the item: its domain in `badv`, or the categories of its creatives in `bcat`. */
function blockedReason(run: DecisionRun, li: DeliveryLineItem): string {
  const blocks = run.blocks;
  const domain = li.advertiserDomains?.find((d) => blocks?.domains.has(d.toLowerCase()));
  if (domain !== undefined) return `advertiser domain ${domain} is blocked by the request (badv)`;
  const categories = new Set<string>();
  for (const creative of li.creatives ?? [])
    for (const category of creative.categories ?? [])
      if (categoryKeys(category).some((key) => blocks?.categories.has(key))) categories.add(category);
  return `every creative that fits has a blocked category (bcat): ${[...categories].join(', ')}`;
}

/**
 * Why line items (and outside bids) did or did not fill each slot, naming the first step that removed
 * each. Per slot, in index order: every line item whose targeting admits the request (found by the
 * same bitset scan as the decision, so this costs O(admitted items), not O(index)), then one
 * `targeting` entry with the `count` of the others, then any line item named in
 * `request.explainLineItemIds` that targeting removed, with the failing dimension and a reason. Every
 * item goes through the same steps and seeded draws as the decision, so the reasons agree with it.
 */
export function explainDecision(run: DecisionRun, request: DecisionRequest, outcomes: readonly SlotOutcome[]): ExplainEntry[] {
  const entries: ExplainEntry[] = [];
  const named = namedPositions(run, request.explainLineItemIds);
  for (const outcome of outcomes) {
    const { slot, slotRun } = outcome;
    if (slotRun === undefined) {
      const reason = `unknown placement ${JSON.stringify(slot.placementId)}`;
      entries.push({ slotId: slot.slotId, step: 'targeting', dimension: 'placement', reason, count: run.index.lineItems.length });
      continue;
    }
    const admitted = new Set<number>();
    const scan = new TargetingScan(run.index, slotRun.req);
    // Once per slot, not per admitted item: the winners' ids, and the run as the slot left it (caps count
    // the impressions the request chose up to the end of this slot, as the hot path saw them, at most).
    const slotEnd: SlotEnd = { run: { ...run, pending: outcome.takenAfter.pending }, winners: winnerIds(outcome) };
    for (let position = scan.peek(); position >= 0; scan.skip(), position = scan.peek()) {
      admitted.add(position);
      entries.push(laterStep(slotEnd, outcome, slotRun, position));
    }
    const rejected = run.index.lineItems.length - admitted.size;
    entries.push({ slotId: slot.slotId, step: 'targeting', count: rejected, reason: `${rejected} line items do not target this request` });
    for (const position of named) {
      if (admitted.has(position)) continue;
      const targeting = firstFailure(run.index.targetingAt(position), slotRun.req);
      if (!targeting.ok) {
        const lineItemId = run.index.lineItems[position]!.id;
        entries.push({ slotId: slot.slotId, lineItemId, step: 'targeting', dimension: targeting.dimension, reason: targeting.reason });
      }
    }
    explainBids(run, request, outcome, entries);
  }
  return entries;
}

function namedPositions(run: DecisionRun, ids: readonly string[] | undefined): number[] {
  if (ids === undefined || ids.length === 0) return [];
  const positions: number[] = [];
  for (const id of new Set(ids)) {
    const position = run.index.positionOf(id);
    if (position !== undefined) positions.push(position);
  }
  return positions.sort((a, b) => a - b);
}

/** A slot's run with the impressions it chose pending, and the ids of its winners. */
interface SlotEnd {
  readonly run: DecisionRun;
  readonly winners: string[];
}

const winnerIds = (outcome: SlotOutcome): string[] => outcome.selections.map((s) => s.lineItem?.id ?? s.external?.bidId ?? '');

/** The step after targeting that removed an admitted item, or `won`, `separation`, `rank`. */
function laterStep({ run, winners }: SlotEnd, outcome: SlotOutcome, slotRun: SlotRun, position: number): ExplainEntry {
  const li = run.index.lineItems[position]!;
  const head = { slotId: outcome.slot.slotId, lineItemId: li.id };
  if (winners.includes(li.id)) return { ...head, step: 'won' };
  const contender = contend(run, slotRun, position);
  if (contender === 'floor') {
    const creative = chooseCreative(li.creatives, slotRun.fit, unitOf(run.seed, PURPOSE.creative, position), run.userKey);
    return { ...head, step: contender, reason: floorReason(slotRun, creative?.width, creative?.height) };
  }
  if (contender === 'blocked') return { ...head, step: contender, reason: blockedReason(run, li) };
  if (typeof contender === 'string') return { ...head, step: contender, reason: REASONS[contender] };
  if (outcome.takenAfter.positions.has(position) || separated(outcome.takenAfter, li.advertiserId))
    return { ...head, step: 'separation', reason: 'the request already has an ad of this line item or advertiser' };
  return { ...head, step: 'rank', outrankedBy: winners };
}

function explainBids(run: DecisionRun, request: DecisionRequest, outcome: SlotOutcome, entries: ExplainEntry[]): void {
  const { slot, slotRun } = outcome;
  const winners = outcome.selections.map((s) => s.lineItem?.id ?? s.external?.bidId ?? '');
  (request.externalBids ?? []).forEach((bid, at) => {
    if (bid.slotId !== slot.slotId) return;
    const head = { slotId: slot.slotId, bidId: bid.bidId };
    if (slotRun === undefined) {
      entries.push({ ...head, step: 'floor', reason: REASONS.floor });
      return;
    }
    const floorMicros = floorForSize(slotRun, bid.width, bid.height);
    if (bid.priceMicros < floorMicros) {
      entries.push({ ...head, step: 'floor', reason: floorReason(slotRun, bid.width, bid.height) });
      return;
    }
    const domain = bidContender(run, bid, at, floorMicros).bid?.advertiserDomain?.toLowerCase();
    if (winners.includes(bid.bidId)) entries.push({ ...head, step: 'won' });
    else if (!outcome.takenAfter.allowDuplicates && domain !== undefined && outcome.takenAfter.domains.has(domain))
      entries.push({ ...head, step: 'separation', reason: 'the request already has an ad of this advertiser domain' });
    else entries.push({ ...head, step: 'rank', outrankedBy: winners });
  });
}

const separated = (taken: TakenView, advertiserId: string) => !taken.allowDuplicates && taken.advertisers.has(advertiserId);
