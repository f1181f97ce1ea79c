import { invalidField, isTimeZone, type Page, type Resource } from '@adplatform/domain';
import type { MetadataTx, ResourceFilter, ResourceListRequest } from '@adplatform/ports';
import type { RequestContext } from '../audit/audit-recorder.js';
import { ResourceService, type ResourceServiceDeps } from '../resources/resource.service.js';
import { checkTargeting } from '../targeting/targeting.validator.js';
import { completeEndedCampaigns } from './campaign-completion.js';
import type { CampaignData, CampaignView, CreateCampaignBody, UpdateCampaignBody } from './campaigns.schemas.js';
import { checkBudgetAndFlight, checkFrequencyCaps, checkNotEnded, checkTransition, conflictAt, toUtc } from './delivery.rules.js';
import type { DeliveryStatus } from './delivery.schemas.js';

const toView = (r: Resource<CampaignData>): CampaignView => ({
  id: r.id,
  name: r.name,
  status: r.status as DeliveryStatus,
  version: r.version,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
  advertiserId: r.parentId!,
  ...r.data,
});

function checkTimeZone(timezone: string | undefined): void {
  if (timezone !== undefined && !isTimeZone(timezone)) throw invalidField('body.timezone', 'is not an IANA time zone (e.g. Europe/Paris)');
}

/**
 * Campaigns: an advertiser's flight, budget and targeting, the parent of line
 * items. Status rules: `STATUS_TRANSITIONS` in delivery.rules.ts; a campaign
 * past its `endsAt` is completed by `completeEnded`.
 */
export class CampaignsService {
  readonly resources: ResourceService<CampaignData, CampaignView>;

  constructor(private readonly deps: ResourceServiceDeps) {
    this.resources = new ResourceService(deps, 'campaign', toView);
  }

  create(ctx: RequestContext, input: CreateCampaignBody): Promise<CampaignView> {
    checkTimeZone(input.timezone);
    checkFrequencyCaps(input.frequencyCaps);
    const flight = {
      startsAt: toUtc(input.startsAt)!,
      endsAt: toUtc(input.endsAt),
      totalBudgetMicros: input.totalBudgetMicros ?? null,
      dailyBudgetMicros: input.dailyBudgetMicros ?? null,
    };
    checkBudgetAndFlight(flight, new Set(Object.keys(input)));
    return this.resources.create(ctx, async (tx) => {
      const organizationId = ctx.principal.organizationId;
      const advertiser = await tx.resources.advertiser.get(organizationId, input.advertiserId);
      this.resources.assertParentInScope(ctx, advertiser, 'body.advertiserId');
      if (!advertiser) throw invalidField('body.advertiserId', 'is not an advertiser of this organization');
      if (advertiser.status === 'archived') throw invalidField('body.advertiserId', 'is archived');
      const targeting = input.targeting ?? {};
      await checkTargeting(tx, organizationId, targeting, 'body.targeting');
      const timezone = input.timezone ?? (await tx.organizations.get(organizationId))?.timezone ?? 'UTC';
      return {
        parentId: advertiser.id,
        scopeId: advertiser.id,
        name: input.name,
        status: 'draft',
        data: { ...flight, pacing: input.pacing ?? 'even', frequencyCaps: input.frequencyCaps ?? [], timezone, targeting },
      };
    });
  }

  get(ctx: RequestContext, id: string): Promise<CampaignView> {
    return this.resources.get(ctx, id);
  }

  list(ctx: RequestContext, filter: ResourceFilter, page: ResourceListRequest): Promise<Page<CampaignView>> {
    return this.resources.list(ctx, filter, page);
  }

  update(ctx: RequestContext, id: string, input: UpdateCampaignBody): Promise<CampaignView> {
    checkTimeZone(input.timezone);
    checkFrequencyCaps(input.frequencyCaps);
    return this.resources.update(ctx, id, async (current, tx) => {
      const from = current.status as DeliveryStatus;
      if (from === 'archived') throw conflictAt('body', 'cannot change: the campaign is archived');
      const data = merge(current.data, input);
      checkBudgetAndFlight(data, new Set(Object.keys(input)));
      const to = input.status ?? from;
      checkTransition(from, to);
      if (to !== from) {
        checkNotEnded(to, data.endsAt, this.deps.clock.now());
        if (to === 'active') await this.checkAdvertiserLive(tx, current);
      }
      if (input.targeting) await checkTargeting(tx, ctx.principal.organizationId, input.targeting, 'body.targeting');
      return { ...(input.name ? { name: input.name } : {}), ...(to !== from ? { status: to } : {}), data };
    });
  }

  /** DELETE: campaigns are archived, never deleted; archiving an archived campaign changes nothing. */
  async archive(ctx: RequestContext, id: string): Promise<CampaignView> {
    const current = await this.resources.getResource(ctx, id);
    if (current.status === 'archived') return toView(current);
    return this.resources.update(ctx, id, () => ({ status: 'archived' }));
  }

  /**
   * Completes every active or paused campaign (all organizations) whose
   * `endsAt` is at or before `now`; audited as the system, one change event
   * each. Returns how many it completed. Safe to run concurrently and often.
   */
  completeEnded(now: Date): Promise<number> {
    return completeEndedCampaigns(this.deps, toView, now);
  }

  private async checkAdvertiserLive(tx: MetadataTx, campaign: Resource<CampaignData>): Promise<void> {
    const advertiser = await tx.resources.advertiser.get(campaign.organizationId, campaign.parentId!);
    if (!advertiser || advertiser.status === 'archived') throw conflictAt('body.status', 'cannot be active: the advertiser is archived');
  }
}

function merge(data: CampaignData, input: UpdateCampaignBody): CampaignData {
  return {
    startsAt: input.startsAt !== undefined ? toUtc(input.startsAt)! : data.startsAt,
    endsAt: input.endsAt !== undefined ? toUtc(input.endsAt) : data.endsAt,
    totalBudgetMicros: input.totalBudgetMicros !== undefined ? input.totalBudgetMicros : data.totalBudgetMicros,
    dailyBudgetMicros: input.dailyBudgetMicros !== undefined ? input.dailyBudgetMicros : data.dailyBudgetMicros,
    pacing: input.pacing ?? data.pacing,
    frequencyCaps: input.frequencyCaps ?? data.frequencyCaps,
    timezone: input.timezone ?? data.timezone,
    targeting: input.targeting ?? data.targeting,
  };
}
