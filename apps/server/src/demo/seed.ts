import type { Clock, Page, Principal } from '@adplatform/domain';
import type { BlobStore, ChangeBus, MetadataStore, ResourceFilter, ResourceListRequest } from '@adplatform/ports';
import { AdvertisersService } from '../modules/advertisers/advertisers.service.js';
import type { RequestContext } from '../modules/audit/audit-recorder.js';
import { CampaignsService } from '../modules/campaigns/campaigns.service.js';
import { CreativesService } from '../modules/creatives/creatives.service.js';
import { DemandPartnersService } from '../modules/demand-partners/demand-partners.service.js';
import type { LineItemView } from '../modules/line-items/line-items.schemas.js';
import { LineItemsService } from '../modules/line-items/line-items.service.js';
import { PlacementsService } from '../modules/placements/placements.service.js';
import { PublishersService } from '../modules/publishers/publishers.service.js';
import { SegmentMembersService } from '../modules/segments/segment-members.service.js';
import { MAX_UPLOAD_BYTES } from '../modules/segments/segments.routes.js';
import { SegmentsService } from '../modules/segments/segments.service.js';
import { SitesService } from '../modules/sites/sites.service.js';
import { renderBanner } from './demo-images.js';
import {
  type AdvertiserKey,
  type CampaignPlan,
  type CreativePlan,
  DEMO_ADVERTISERS,
  DEMO_CAMPAIGNS,
  DEMO_DEMAND_PARTNER,
  DEMO_MARKER,
  DEMO_PLACEMENTS,
  DEMO_PUBLISHER,
  DEMO_SEGMENT,
  DEMO_SITE,
  type LineItemPlan,
  type PlacementKey,
} from './demo-plan.js';
import { demoSegmentMembers } from './visitors.js';

export interface SeedDeps {
  store: MetadataStore;
  bus: ChangeBus;
  clock: Clock;
  blobs: BlobStore;
}

/** What the seed found or made: the ids the traffic simulator needs, and how many records this run created. */
export interface DemoSeed {
  organizationId: string;
  placements: Record<PlacementKey, string>;
  lineItemIds: string[];
  /** Records created by this run, by kind (all zero when the demo already existed). */
  created: Record<string, number>;
}

const DAY_MS = 86_400_000;
const PAGE: ResourceListRequest = { limit: 100 };

/** The operator (a platform admin) and its organization: the one `data/initial-admin.json` signs in to. */
export async function findOperator(store: MetadataStore): Promise<Principal | undefined> {
  let cursor: string | undefined;
  do {
    const organizations = await store.organizations.list({ limit: 100, cursor });
    for (const organization of organizations.items) {
      let users: string | undefined;
      do {
        const page = await store.users.list(organization.id, { limit: 100, cursor: users });
        const operator = page.items.find((user) => user.isPlatformAdmin && user.status === 'active');
        if (operator) return { kind: 'user', id: operator.id, organizationId: organization.id, role: operator.role, isPlatformAdmin: true };
        users = page.nextCursor ?? undefined;
      } while (users);
    }
    cursor = organizations.nextCursor ?? undefined;
  } while (cursor);
  return undefined;
}

/** The first record of a list whose name is exactly `name` (any status: an archived demo record is not made again). */
async function byName<V extends { name: string }>(
  list: (filter: ResourceFilter, page: ResourceListRequest) => Promise<Page<V>>,
  name: string,
  filter: ResourceFilter = {},
): Promise<V | undefined> {
  let cursor: string | undefined;
  do {
    const page = await list({ ...filter, search: name }, { ...PAGE, cursor });
    const found = page.items.find((item) => item.name === name);
    if (found) return found;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return undefined;
}

/**
 * Creates the demo (demo-plan.ts) in the operator's organization through the
 * real services — validation, audit log and change events included — as the
 * operator, under the request id `demo-seed`. Idempotent: every record is
 * looked up by its exact name first, approvals, attachments and activations
 * happen only where missing, so a second run creates and changes nothing
 * (and a run cut short is completed by the next). A demo campaign whose
 * flight has ended is moved forward and reactivated.
 */
export async function seedDemo(deps: SeedDeps): Promise<DemoSeed> {
  const principal = await findOperator(deps.store);
  if (!principal) throw new Error('demo: no platform operator yet (ensureOperator runs first)');
  const seeder = new DemoSeeder(deps, { principal, requestId: 'demo-seed' });
  return seeder.run();
}

class DemoSeeder {
  private readonly resources;
  private readonly advertisers;
  private readonly campaigns;
  private readonly lineItems;
  private readonly creatives;
  private readonly publishers;
  private readonly sites;
  private readonly placementsService;
  private readonly segments;
  private readonly members;
  private readonly demandPartners;
  private readonly created: Record<string, number> = {};
  private readonly creativeIds = new Map<string, string>();

  constructor(
    private readonly deps: SeedDeps,
    private readonly ctx: RequestContext,
  ) {
    this.resources = { store: deps.store, bus: deps.bus, clock: deps.clock };
    this.advertisers = new AdvertisersService(this.resources);
    this.campaigns = new CampaignsService(this.resources);
    this.lineItems = new LineItemsService(this.resources);
    this.creatives = new CreativesService({ ...this.resources, blobs: deps.blobs });
    this.publishers = new PublishersService(this.resources);
    this.sites = new SitesService(this.resources);
    this.placementsService = new PlacementsService(this.resources);
    this.segments = new SegmentsService(this.resources);
    this.members = new SegmentMembersService(this.segments, { maxUploadBytes: MAX_UPLOAD_BYTES });
    // The demo partner's endpoint is a fixed `.invalid` name (never resolves) and the partner is disabled, so
    // the save-time address check is skipped rather than sending a DNS query at every start; the fan-out
    // checks an endpoint again before it connects.
    this.demandPartners = new DemandPartnersService(this.resources, { allowPrivateOutbound: true });
  }

  async run(): Promise<DemoSeed> {
    const ctx = this.ctx;
    const placements = await this.inventory();
    const segmentId = await this.segment();
    await this.ensure(
      'demand_partner',
      (f, p) => this.demandPartners.list(ctx, f, p),
      DEMO_DEMAND_PARTNER.name,
      {},
      () => this.demandPartners.create(ctx, { ...DEMO_DEMAND_PARTNER, placementIds: [placements.mpu, placements.leaderboard] }),
    );
    const advertiserIds = {} as Record<AdvertiserKey, string>;
    for (const [key, plan] of Object.entries(DEMO_ADVERTISERS) as [AdvertiserKey, (typeof DEMO_ADVERTISERS)[AdvertiserKey]][]) {
      const advertiser = await this.ensure(
        'advertiser',
        (f, p) => this.advertisers.list(ctx, f, p),
        plan.name,
        {},
        () => this.advertisers.create(ctx, { ...plan, contact: { name: DEMO_MARKER.slice(0, 200) } }),
      );
      advertiserIds[key] = advertiser.id;
    }
    const lineItemIds: string[] = [];
    for (const plan of DEMO_CAMPAIGNS) {
      lineItemIds.push(...(await this.campaign(plan, advertiserIds[plan.advertiser], placements, segmentId)));
    }
    return { organizationId: ctx.principal.organizationId, placements, lineItemIds, created: this.created };
  }

  /** Finds a record by name (under `filter`) or creates it, counting what it creates. */
  private async ensure<V extends { id: string; name: string }>(
    kind: string,
    list: (filter: ResourceFilter, page: ResourceListRequest) => Promise<Page<V>>,
    name: string,
    filter: ResourceFilter,
    create: () => Promise<V>,
  ): Promise<V> {
    const found = await byName(list, name, filter);
    if (found) return found;
    this.created[kind] = (this.created[kind] ?? 0) + 1;
    return create();
  }

  private async inventory(): Promise<Record<PlacementKey, string>> {
    const ctx = this.ctx;
    const publisher = await this.ensure(
      'publisher',
      (f, p) => this.publishers.list(ctx, f, p),
      DEMO_PUBLISHER.name,
      {},
      () => this.publishers.create(ctx, { ...DEMO_PUBLISHER, sellerType: 'PUBLISHER', contact: { name: 'AdPlatform demo' } }),
    );
    const site = await this.ensure(
      'site',
      (f, p) => this.sites.list(ctx, f, p),
      DEMO_SITE.name,
      { parentId: publisher.id },
      () => this.sites.create(ctx, { ...DEMO_SITE, publisherId: publisher.id, type: 'site' }),
    );
    const ids = {} as Record<PlacementKey, string>;
    for (const [key, plan] of Object.entries(DEMO_PLACEMENTS) as [PlacementKey, (typeof DEMO_PLACEMENTS)[PlacementKey]][]) {
      const placement = await this.ensure(
        'placement',
        (f, p) => this.placementsService.list(ctx, f, p),
        plan.name,
        { parentId: site.id },
        () => this.placementsService.create(ctx, { ...plan, siteId: site.id }),
      );
      ids[key] = placement.id;
    }
    return ids;
  }

  private async segment(): Promise<string> {
    const ctx = this.ctx;
    const segment = await this.ensure(
      'segment',
      (f, p) => this.segments.list(ctx, f, p),
      DEMO_SEGMENT.name,
      {},
      () => this.segments.create(ctx, DEMO_SEGMENT),
    );
    // Adds only the keys that are missing: nothing changes (no update, no audit entry) on a second run.
    const count = await this.deps.store.segmentMembers.count(ctx.principal.organizationId, segment.id);
    const keys = demoSegmentMembers();
    if (count < keys.length) await this.members.change(ctx, segment.id, { add: keys });
    return segment.id;
  }

  private async campaign(
    plan: CampaignPlan,
    advertiserId: string,
    placements: Record<PlacementKey, string>,
    segmentId: string,
  ): Promise<string[]> {
    const ctx = this.ctx;
    const now = this.deps.clock.now();
    // Started yesterday (UTC midnight), so it delivers at once and reports show a flight in progress.
    const startsAt = new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS - DAY_MS);
    const endsAt = (from: Date) => (plan.flightDays ? new Date(from.getTime() + plan.flightDays * DAY_MS).toISOString() : undefined);
    const segments = plan.targeting.segments && { any: (plan.targeting.segments.any ?? []).map(() => segmentId) };
    const campaign = await this.ensure(
      'campaign',
      (f, p) => this.campaigns.list(ctx, f, p),
      plan.name,
      { parentId: advertiserId },
      () =>
        this.campaigns.create(ctx, {
          advertiserId,
          name: plan.name,
          startsAt: startsAt.toISOString(),
          ...optional({ endsAt: endsAt(startsAt), totalBudgetMicros: plan.totalBudgetMicros, dailyBudgetMicros: plan.dailyBudgetMicros }),
          pacing: plan.pacing,
          frequencyCaps: plan.frequencyCaps ?? [],
          timezone: plan.timezone,
          targeting: { ...plan.targeting, ...(segments ? { segments } : {}) },
        }),
    );
    if (campaign.status === 'draft') await this.campaigns.update(ctx, campaign.id, { status: 'active' });
    if (campaign.status === 'completed' && campaign.endsAt !== null && Date.parse(campaign.endsAt) <= now.getTime()) {
      await this.campaigns.update(ctx, campaign.id, { endsAt: endsAt(now) ?? null, status: 'active' });
    }
    const ids: string[] = [];
    for (const item of plan.lineItems) ids.push(await this.lineItem(item, campaign.id, advertiserId, placements));
    return ids;
  }

  private async lineItem(plan: LineItemPlan, campaignId: string, advertiserId: string, placements: Record<PlacementKey, string>) {
    const ctx = this.ctx;
    const item: LineItemView = await this.ensure(
      'line_item',
      (f, p) => this.lineItems.list(ctx, f, p),
      plan.name,
      { parentId: campaignId },
      () =>
        this.lineItems.create(ctx, {
          campaignId,
          name: plan.name,
          priority: plan.priority,
          pricing: plan.pricing,
          ...optional({ dailyBudgetMicros: plan.dailyBudgetMicros }),
          pacing: plan.pacing ?? 'even',
          targeting: { ...plan.targeting, placements: plan.placements.map((key) => placements[key]) },
        }),
    );
    for (const { creative, weight, experimentId } of plan.creatives) {
      const creativeId = await this.creative(creative, advertiserId);
      if (item.creatives.some((attached) => attached.creativeId === creativeId)) continue;
      await this.lineItems.attachCreative(ctx, item.id, { creativeId, ...optional({ weight, experimentId }) });
    }
    if (item.status === 'draft') await this.lineItems.update(ctx, item.id, { status: 'active' });
    return item.id;
  }

  /** Images are drawn at their size with sharp; html and native go in as JSON. Approved, as an admin would. */
  private async creative(plan: CreativePlan, advertiserId: string): Promise<string> {
    const key = `${advertiserId}/${plan.name}`;
    const known = this.creativeIds.get(key);
    if (known) return known;
    const ctx = this.ctx;
    const common = { advertiserId, name: plan.name, clickUrl: plan.clickUrl };
    const creative = await this.ensure(
      'creative',
      (f, p) => this.creatives.list(ctx, f, p),
      plan.name,
      { parentId: advertiserId },
      async () => {
        if (plan.kind === 'image') {
          const file = await renderBanner(plan.width, plan.height, plan.design);
          return this.creatives.createImage(ctx, { ...common, width: plan.width, height: plan.height, impressionTrackers: [], file });
        }
        if (plan.kind === 'html')
          return this.creatives.create(ctx, { ...common, format: 'html', width: plan.width, height: plan.height, html: plan.html });
        return this.creatives.create(ctx, { ...common, format: 'native', native: plan.native });
      },
    );
    if (creative.status === 'pending') await this.creatives.approve(ctx, creative.id);
    this.creativeIds.set(key, creative.id);
    return creative.id;
  }
}

/** The defined entries only (the services' inputs use exactOptionalPropertyTypes). */
function optional<T extends Record<string, unknown>>(values: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}
