import { invalidField, notFound, type Page, type Resource } from '@adplatform/domain';
import type { MetadataTx, ResourceFilter, ResourceListRequest } from '@adplatform/ports';
import type { RequestContext } from '../audit/audit-recorder.js';
import type { CampaignData } from '../campaigns/campaigns.schemas.js';
import { checkFrequencyCaps, checkNotEnded, checkTransition, conflictAt, toUtc } from '../campaigns/delivery.rules.js';
import type { DeliveryStatus } from '../campaigns/delivery.schemas.js';
import { ResourceService, type ResourceServiceDeps } from '../resources/resource.service.js';
import { checkTargeting } from '../targeting/targeting.validator.js';
import { checkCanActivate, checkWithinCampaign, effectiveFlight } from './line-item-rules.js';
import type {
  AttachCreativeBody,
  CreateLineItemBody,
  CreativeAttachment,
  LineItemData,
  LineItemView,
  UpdateLineItemBody,
} from './line-items.schemas.js';

const MAX_CREATIVES = 200;

const toView = (r: Resource<LineItemData>): LineItemView => ({
  id: r.id,
  name: r.name,
  status: r.status as DeliveryStatus,
  version: r.version,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
  campaignId: r.parentId!,
  advertiserId: r.scopeId!,
  ...r.data,
});

/**
 * Line items: the unit that delivers — a campaign's priority, price, own
 * budgets, schedule and targeting, and the creatives it rotates. Going active
 * needs an approved creative that fits (line-item-rules.ts).
 */
export class LineItemsService {
  readonly resources: ResourceService<LineItemData, LineItemView>;

  constructor(private readonly deps: ResourceServiceDeps) {
    this.resources = new ResourceService(deps, 'line_item', toView);
  }

  create(ctx: RequestContext, input: CreateLineItemBody): Promise<LineItemView> {
    checkFrequencyCaps(input.frequencyCaps);
    return this.resources.create(ctx, async (tx) => {
      const organizationId = ctx.principal.organizationId;
      const campaign = await campaignOf(tx, organizationId, input.campaignId);
      this.resources.assertParentInScope(ctx, campaign, 'body.campaignId');
      if (!campaign) throw invalidField('body.campaignId', 'is not a campaign of this organization');
      if (campaign.status === 'archived') throw invalidField('body.campaignId', 'is archived');
      const data: LineItemData = {
        priority: input.priority ?? 'standard',
        pricing: input.pricing,
        startsAt: toUtc(input.startsAt),
        endsAt: toUtc(input.endsAt),
        totalBudgetMicros: input.totalBudgetMicros ?? null,
        dailyBudgetMicros: input.dailyBudgetMicros ?? null,
        pacing: input.pacing ?? 'even',
        frequencyCaps: input.frequencyCaps ?? [],
        targeting: input.targeting ?? {},
        creatives: [],
      };
      checkWithinCampaign(data, campaign.data, new Set(Object.keys(input)));
      await checkTargeting(tx, organizationId, data.targeting, 'body.targeting');
      return { parentId: campaign.id, scopeId: campaign.scopeId, name: input.name, status: 'draft', data };
    });
  }

  get(ctx: RequestContext, id: string): Promise<LineItemView> {
    return this.resources.get(ctx, id);
  }

  list(ctx: RequestContext, filter: ResourceFilter, page: ResourceListRequest): Promise<Page<LineItemView>> {
    return this.resources.list(ctx, filter, page);
  }

  update(ctx: RequestContext, id: string, input: UpdateLineItemBody): Promise<LineItemView> {
    checkFrequencyCaps(input.frequencyCaps);
    return this.resources.update(ctx, id, async (current, tx) => {
      const from = editable(current);
      const campaign = (await campaignOf(tx, current.organizationId, current.parentId!))!;
      const data = merge(current.data, input);
      checkWithinCampaign(data, campaign.data, new Set(Object.keys(input)));
      const to = input.status ?? from;
      checkTransition(from, to);
      if (to !== from) checkNotEnded(to, effectiveFlight(data, campaign.data).endsAt, this.deps.clock.now());
      if (input.targeting) await checkTargeting(tx, current.organizationId, input.targeting, 'body.targeting');
      if (to === 'active' && from !== 'active') await checkCanActivate(tx, data, campaign);
      return { ...(input.name ? { name: input.name } : {}), ...(to !== from ? { status: to } : {}), data };
    });
  }

  /** DELETE: line items are archived, never deleted; archiving an archived one changes nothing. */
  async archive(ctx: RequestContext, id: string): Promise<LineItemView> {
    const current = await this.resources.getResource(ctx, id);
    if (current.status === 'archived') return toView(current);
    return this.resources.update(ctx, id, () => ({ status: 'archived' }));
  }

  /**
   * Attaches a creative of the same advertiser (not archived), or replaces
   * its attachment (weight, experiment) when it is already attached.
   */
  attachCreative(ctx: RequestContext, id: string, input: AttachCreativeBody): Promise<LineItemView> {
    return this.resources.update(ctx, id, async (current, tx) => {
      editable(current);
      const found = await tx.resources.creative.get(current.organizationId, input.creativeId);
      // Another advertiser's creative, outside the caller's limit, reads as missing rather than as someone else's.
      const creative = found && this.resources.isInScope(ctx, found) ? found : undefined;
      if (!creative) throw invalidField('body.creativeId', 'is not a creative of this organization');
      if (creative.scopeId !== current.scopeId) throw invalidField('body.creativeId', 'belongs to another advertiser');
      if (creative.status === 'archived') throw invalidField('body.creativeId', 'is archived');
      const attachment: CreativeAttachment = {
        creativeId: creative.id,
        weight: input.weight ?? 100,
        ...(input.experimentId ? { experimentId: input.experimentId } : {}),
      };
      const others = current.data.creatives.filter((c) => c.creativeId !== creative.id);
      const at = current.data.creatives.findIndex((c) => c.creativeId === creative.id);
      if (at < 0 && others.length >= MAX_CREATIVES)
        throw invalidField('body.creativeId', `cannot be attached: at most ${MAX_CREATIVES} creatives`);
      const creatives = at < 0 ? [...others, attachment] : current.data.creatives.map((c, i) => (i === at ? attachment : c));
      return { data: { ...current.data, creatives } };
    });
  }

  /** Detaches a creative; NOT_FOUND when it is not attached. */
  detachCreative(ctx: RequestContext, id: string, creativeId: string): Promise<LineItemView> {
    return this.resources.update(ctx, id, (current) => {
      editable(current);
      const creatives = current.data.creatives.filter((c) => c.creativeId !== creativeId);
      if (creatives.length === current.data.creatives.length) throw notFound('creative attachment');
      return { data: { ...current.data, creatives } };
    });
  }
}

/** Archived line items are frozen; returns the current status otherwise. */
function editable(current: Resource<LineItemData>): DeliveryStatus {
  if (current.status === 'archived') throw conflictAt('body', 'cannot change: the line item is archived');
  return current.status as DeliveryStatus;
}

const campaignOf = (tx: MetadataTx, organizationId: string, id: string) =>
  tx.resources.campaign.get(organizationId, id) as Promise<Resource<CampaignData> | undefined>;

function merge(data: LineItemData, input: UpdateLineItemBody): LineItemData {
  const pick = <K extends keyof LineItemData & keyof UpdateLineItemBody>(key: K) => (input[key] !== undefined ? input[key] : data[key]);
  return {
    ...data,
    priority: input.priority ?? data.priority,
    pricing: input.pricing ?? data.pricing,
    startsAt: input.startsAt !== undefined ? toUtc(input.startsAt) : data.startsAt,
    endsAt: input.endsAt !== undefined ? toUtc(input.endsAt) : data.endsAt,
    totalBudgetMicros: pick('totalBudgetMicros') as number | null,
    dailyBudgetMicros: pick('dailyBudgetMicros') as number | null,
    pacing: input.pacing ?? data.pacing,
    frequencyCaps: input.frequencyCaps ?? data.frequencyCaps,
    targeting: input.targeting ?? data.targeting,
  };
}
