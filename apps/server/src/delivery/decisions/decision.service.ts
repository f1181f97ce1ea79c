import { randomUUID } from 'node:crypto';
import { type DecisionRequest, type DecisionResult, type DecisionSlot, type DirectSelection, decide } from '@adplatform/decision-core';
import { AppError, type Clock, invalidField, newId } from '@adplatform/domain';
import type { CounterStore, DeliveryEvent, EventLog } from '@adplatform/ports';
import type { AllowanceManager } from '../budget/allowances.js';
import { budgetKeysOf } from '../budget/budget-keys.js';
import type { SpendSnapshot } from '../budget/spend-snapshot.js';
import type { DeliveryCatalog } from '../catalog/delivery-catalog.js';
import type { CatalogPlacement, OrganizationSnapshot } from '../catalog/load-organization.js';
import type { ExtractionResult } from '../context/extract-context.js';
import type { RequestContextExtractor } from '../context/request-context-extractor.js';
import type { TrackingSigner } from '../tracking/tracking-signer.js';
import { renderDirectAd, renderFallback } from './ad-answer.js';
import { deliveryStateFor } from './decision-state.js';
import type { Ad, DecisionRequestBody, FallbackAd } from './decisions.schemas.js';

export interface DecisionServiceDeps {
  catalog: DeliveryCatalog;
  contexts: RequestContextExtractor;
  counters: CounterStore;
  allowances: AllowanceManager;
  spend: SpendSnapshot;
  signer: TrackingSigner;
  eventLog: EventLog;
  clock: Clock;
  /** Uniform in [0, 1); Math.random by default. Tests pass a seeded one. */
  random?: () => number;
  /** Share of decisions whose explanation is written to the event log (config `ADPLATFORM_EXPLAIN_SAMPLE_RATE`). */
  explainSampleRate: number;
  log?: { error(obj: unknown, msg: string): void };
}

/** Naming every line item's failing targeting dimension costs O(index): only for small organizations unless asked. */
const EXPLAIN_ALL_UP_TO = 1000;
/** A decision's events are appended without waiting for them: the log may batch them longer (ADR 0022 amendment). */
const BACKGROUND = { background: true } as const;
const allIdsWhenSmall = (snapshot: OrganizationSnapshot): string[] | undefined =>
  snapshot.index.lineItems.length <= EXPLAIN_ALL_UP_TO ? snapshot.index.lineItems.map((li) => li.id) : undefined;

/** Who asked, as the route saw it. */
export interface DecisionCaller {
  ip: string;
  userAgent: string;
  acceptLanguage?: string | undefined;
  referer?: string | undefined;
  /** Public origin for tracking, click and asset URLs. */
  origin: string;
  /** The signed-in caller's organization, when there is one (explain needs it). */
  organizationId?: string | undefined;
}

export interface DecisionAnswer {
  decisions: Record<string, (Ad | FallbackAd)[] | null>;
  explanation?: DecisionResult['explanation'];
}

/**
 * `POST /v1/decisions`: resolve the placements, extract the request context,
 * read the user's frequency record (the one await: memory, or one Redis round
 * trip), let the pure core decide, then commit what was served (allowance,
 * frequency) and sign its tracking URLs.
 */
export class DecisionService {
  private readonly random: () => number;

  constructor(private readonly deps: DecisionServiceDeps) {
    this.random = deps.random ?? Math.random;
  }

  async decide(body: DecisionRequestBody, caller: DecisionCaller): Promise<DecisionAnswer> {
    const { snapshot, placements } = this.resolvePlacements(body);
    if (body.explain) this.authorizeExplain(snapshot, caller);
    const nowMs = this.deps.clock.now().getTime();
    const extracted = this.deps.contexts.extract({
      ip: body.ip ?? caller.ip,
      userAgent: body.userAgent ?? caller.userAgent,
      acceptLanguage: caller.acceptLanguage,
      url: body.url,
      referrer: body.referrer ?? caller.referer,
      keywords: body.keywords,
      keyValues: body.keyValues,
      userKey: body.user?.key,
      consent: body.consent,
    });
    const { userKey } = extracted;
    const frequency = userKey === undefined ? undefined : await this.deps.counters.frequencyOf(userKey, nowMs);
    const explain = body.explain === true;
    const sampled = !explain && this.deps.explainSampleRate > 0 && this.random() < this.deps.explainSampleRate;
    const result = decide(
      snapshot.index,
      {
        nowMs,
        slots: slotsOf(body),
        context: this.contextOf(extracted, placements[0]!, snapshot.organizationId),
        userKey,
        allowDuplicateAdvertisers: body.allowDuplicateAdvertisers ?? false,
        explain: explain || sampled,
        explainLineItemIds: explain ? (body.explainLineItemIds ?? allIdsWhenSmall(snapshot)) : undefined,
      },
      deliveryStateFor(frequency, this.deps.spend, this.deps.allowances, nowMs),
      { random: this.random },
    );
    const decisions: DecisionAnswer['decisions'] = {};
    const requests: DeliveryEvent[] = [];
    const at: CommitAt = { snapshot, placement: placements[0]!, userKey, nowMs, origin: caller.origin };
    for (let i = 0; i < placements.length; i++) {
      const divName = body.placements[i]!.divName;
      at.placement = placements[i]!;
      const ads: Ad[] = [];
      let filled: DirectSelection | undefined;
      let filledDecisionId: string | undefined;
      const selections = result.slots[divName];
      for (let s = 0; s < (selections?.length ?? 0); s++) {
        const selection = selections![s]!;
        if (selection.lineItem === undefined) continue;
        const decisionId = randomUUID();
        const ad = this.commit(selection as DirectSelection, at, decisionId);
        if (ad === undefined) continue;
        ads.push(ad);
        if (filled === undefined) {
          filled = selection as DirectSelection;
          filledDecisionId = decisionId;
        }
      }
      decisions[divName] = ads.length > 0 ? ads : renderFallback(at.placement, snapshot, caller.origin);
      requests.push(requestEvent(snapshot.organizationId, nowMs, at.placement, extracted.context, filled, filledDecisionId));
    }
    // One `request` event per placement asked for (with the decision id of its first ad when filled): the
    // requests and fill rate of reports and live stats. Appended, never awaited: the hot path does no I/O.
    this.deps.eventLog.append(requests, BACKGROUND).catch(this.onRequestLogError);
    if (sampled) this.logExplanation(snapshot.organizationId, nowMs, body, result);
    return explain ? { decisions, explanation: result.explanation ?? [] } : { decisions };
  }

  /**
   * The core's context: the extracted one, the first placement's domain when the page gave none and its
   * categories, the user's segments. One literal of one shape (not a spread of the extracted context, whose
   * shape varies with what the request had): the core reads it through one map.
   */
  private contextOf(extracted: ExtractionResult, first: CatalogPlacement, organizationId: string): DecisionRequest['context'] {
    const context = extracted.context;
    return {
      country: context.country,
      deviceType: context.deviceType,
      os: context.os,
      browser: context.browser,
      languages: context.languages,
      keywords: context.keywords,
      keyValues: context.keyValues,
      domain: context.domain ?? first.domain,
      categories: first.categories,
      segments: this.deps.contexts.segmentsFor(organizationId, extracted.userKey),
    };
  }

  /** Every placement must be delivered, by one organization; divNames unique. */
  private resolvePlacements(body: DecisionRequestBody): { snapshot: OrganizationSnapshot; placements: CatalogPlacement[] } {
    const slots = body.placements;
    // A name can only repeat among several (most requests ask for one placement: no set).
    const seen = slots.length > 1 ? new Set<string>() : undefined;
    let snapshot: OrganizationSnapshot | undefined;
    const placements: CatalogPlacement[] = [];
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i]!;
      if (seen !== undefined) {
        if (seen.has(slot.divName)) throw invalidField(`body.placements[${i}].divName`, `repeats "${slot.divName}"`);
        seen.add(slot.divName);
      }
      const owner = this.deps.catalog.forPlacement(slot.placementId);
      const placement = owner?.placements.get(slot.placementId);
      // Another organization's placement reads as unknown: a request never learns what other tenants have.
      if (!owner || !placement || (snapshot && owner.organizationId !== snapshot.organizationId)) {
        throw invalidField(`body.placements[${i}].placementId`, 'is not an active placement');
      }
      snapshot ??= owner;
      placements.push(placement);
    }
    return { snapshot: snapshot!, placements };
  }

  private authorizeExplain(snapshot: OrganizationSnapshot, caller: DecisionCaller): void {
    if (caller.organizationId === undefined) {
      throw new AppError('UNAUTHENTICATED', '`explain` needs an API key or session of the organization that owns the placements');
    }
    if (caller.organizationId !== snapshot.organizationId) {
      throw new AppError('FORBIDDEN', '`explain` is only for the organization that owns the placements');
    }
  }

  /** Takes the impression's cost from the allowance, counts it against the user's caps, and renders the ad. */
  private commit(selection: DirectSelection, at: CommitAt, decisionId: string): Ad | undefined {
    const { lineItem } = selection;
    const keys = budgetKeysOf(lineItem, at.nowMs);
    if (keys.length > 0 && !this.deps.allowances.consume(keys, selection.costMicros, at.nowMs)) return undefined;
    if (at.userKey !== undefined && (lineItem.frequencyCaps?.length ?? 0) > 0) {
      this.deps.counters.recordImpression(at.userKey, [lineItem.id, lineItem.campaignId], at.nowMs).catch(this.onFrequencyError);
    }
    const creative = at.snapshot.creatives.get(selection.creative.id);
    if (!creative) return undefined;
    return renderDirectAd({
      selection,
      creative,
      placement: at.placement,
      signer: this.deps.signer,
      decisionId,
      nowMs: at.nowMs,
      origin: at.origin,
    });
  }

  private readonly onRequestLogError = (err: unknown): void => {
    this.deps.log?.error({ err }, 'request events not logged');
  };

  private readonly onFrequencyError = (err: unknown): void => {
    this.deps.log?.error({ err }, 'frequency record failed');
  };

  private logExplanation(organizationId: string, nowMs: number, body: DecisionRequestBody, result: DecisionResult): void {
    const event = {
      id: newId(),
      type: 'explain' as const,
      at: nowMs,
      organizationId,
      data: {
        slots: body.placements.map((p) => ({ divName: p.divName, placementId: p.placementId })),
        served: Object.fromEntries(
          Object.entries(result.slots).map(([slot, s]) => [slot, s.map((x) => x.lineItem?.id ?? x.external?.bidId)]),
        ),
        explanation: result.explanation ?? [],
      },
    };
    this.deps.eventLog.append([event], BACKGROUND).catch((err: unknown) => this.deps.log?.error({ err }, 'explain sample not logged'));
  }
}

/** Where an ad is committed: one object per decision, its placement moved along the slots. */
interface CommitAt {
  snapshot: OrganizationSnapshot;
  placement: CatalogPlacement;
  userKey: string | undefined;
  nowMs: number;
  origin: string;
}

const slotsOf = (body: DecisionRequestBody): DecisionSlot[] =>
  body.placements.map((p) => ({ slotId: p.divName, placementId: p.placementId, count: p.count ?? 1 }));

/** The `request` event of one placement in one decision; a filled one names what served first. */
function requestEvent(
  organizationId: string,
  nowMs: number,
  placement: CatalogPlacement,
  context: { country?: string | undefined; deviceType?: string | undefined; os?: string | undefined; browser?: string | undefined },
  filled: DirectSelection | undefined,
  decisionId: string | undefined,
): DeliveryEvent {
  const event: DeliveryEvent = {
    id: newId(),
    type: 'request',
    at: nowMs,
    organizationId,
    publisherId: placement.publisherId,
    siteId: placement.siteId,
    placementId: placement.id,
  };
  if (context.country !== undefined) event.country = context.country;
  if (context.deviceType !== undefined) event.deviceType = context.deviceType;
  if (context.os !== undefined) event.os = context.os;
  if (context.browser !== undefined) event.browser = context.browser;
  if (filled !== undefined && decisionId !== undefined) {
    event.decisionId = decisionId;
    event.advertiserId = filled.lineItem.advertiserId;
    event.campaignId = filled.lineItem.campaignId;
    event.lineItemId = filled.lineItem.id;
    event.creativeId = filled.creative.id;
  }
  return event;
}
