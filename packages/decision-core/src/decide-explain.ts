import { bidContender, contend, type DecisionRun, type SlotRun } from './decide-checks.js';
import type { DecisionRequest, DecisionSlot, ExplainEntry, Selection } from './decide-types.js';
import { firstFailure } from './match-targeting.js';
import type { PreparedRequest } from './request-context.js';

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
  floor: 'eCPM below the placement floor',
} as const;

/**
 * Why every line item (and every outside bid) did or did not fill each slot: one entry per item per
 * slot, in index order, naming the first step that removed it. It runs every item through the same
 * steps as the hot path, so the reasons agree with the decision; it costs O(line items × slots)
 * (the targeting checks of every item), which is why `decide` only builds it when asked.
 */
export function explainDecision(
  run: DecisionRun,
  base: PreparedRequest,
  request: DecisionRequest,
  outcomes: readonly SlotOutcome[],
): ExplainEntry[] {
  const entries: ExplainEntry[] = [];
  for (const outcome of outcomes) {
    const { slot, slotRun } = outcome;
    const winners = outcome.selections.map((s) => s.lineItem?.id ?? s.external?.bidId ?? '');
    run.index.lineItems.forEach((li, position) => {
      const head = { slotId: slot.slotId, lineItemId: li.id };
      if (slotRun === undefined) {
        entries.push({
          ...head,
          step: 'targeting',
          dimension: 'placement',
          reason: `unknown placement ${JSON.stringify(slot.placementId)}`,
        });
        return;
      }
      const targeting = firstFailure(run.index.compiled[position]!, slotRun.req ?? base);
      if (!targeting.ok) {
        entries.push({ ...head, step: 'targeting', dimension: targeting.dimension, reason: targeting.reason });
        return;
      }
      if (winners.includes(li.id)) {
        entries.push({ ...head, step: 'won' });
        return;
      }
      // Caps count the impressions the request chose up to the end of this slot, as the hot path saw them (at most).
      const contender = contend({ ...run, pending: outcome.takenAfter.pending }, slotRun, position);
      if (typeof contender === 'string') entries.push({ ...head, step: contender, reason: REASONS[contender] });
      else if (outcome.takenAfter.positions.has(position) || separated(outcome.takenAfter, li.advertiserId))
        entries.push({ ...head, step: 'separation', reason: 'the request already has an ad of this line item or advertiser' });
      else entries.push({ ...head, step: 'rank', outrankedBy: winners });
    });
    (request.externalBids ?? []).forEach((bid, at) => {
      if (bid.slotId !== slot.slotId) return;
      const head = { slotId: slot.slotId, bidId: bid.bidId };
      if (slotRun === undefined || bid.priceMicros < slotRun.placement.floorMicros) {
        entries.push({ ...head, step: 'floor', reason: REASONS.floor });
        return;
      }
      const c = bidContender(run, bid, at);
      const domain = c.bid?.advertiserDomain?.toLowerCase();
      if (winners.includes(bid.bidId)) entries.push({ ...head, step: 'won' });
      else if (!outcome.takenAfter.allowDuplicates && domain !== undefined && outcome.takenAfter.domains.has(domain))
        entries.push({ ...head, step: 'separation', reason: 'the request already has an ad of this advertiser domain' });
      else entries.push({ ...head, step: 'rank', outrankedBy: winners });
    });
  }
  return entries;
}

const separated = (taken: TakenView, advertiserId: string) => !taken.allowDuplicates && taken.advertisers.has(advertiserId);
