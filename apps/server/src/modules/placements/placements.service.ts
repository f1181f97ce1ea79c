import type { Page, Resource } from '@adplatform/domain';
import type { MetadataTx, ResourceFilter, ResourceListRequest } from '@adplatform/ports';
import type { RequestContext } from '../audit/audit-recorder.js';
import { accessScopeOf } from '../auth/access-scope.js';
import { requireParent } from '../publishers/require-parent.js';
import { ResourceService, type ResourceServiceDeps } from '../resources/resource.service.js';
import { checkFloorRules, type FloorRule } from './floor-rules.schemas.js';
import { checkFallback, checkSizes } from './placement-rules.js';
import type { CreatePlacementBody, PlacementData, PlacementView, UpdatePlacementBody } from './placements.schemas.js';

const toView = (r: Resource<PlacementData>): PlacementView => ({
  id: r.id,
  name: r.name,
  status: r.status as PlacementView['status'],
  version: r.version,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
  siteId: r.parentId ?? '',
  publisherId: r.scopeId ?? '',
  ...r.data,
});

/** Placements (ad units): what a slot on a site or app accepts, its floor, and what it shows when nothing fills. */
export class PlacementsService {
  readonly resources: ResourceService<PlacementData, PlacementView>;

  constructor(deps: ResourceServiceDeps) {
    this.resources = new ResourceService(deps, 'placement', toView);
  }

  create(ctx: RequestContext, input: CreatePlacementBody): Promise<PlacementView> {
    const shape = { formats: input.formats, sizes: input.sizes ?? [] };
    checkSizes(shape);
    return this.resources.create(ctx, async (tx) => {
      const organizationId = ctx.principal.organizationId;
      const ref = { id: input.siteId, path: 'body.siteId', label: 'site' };
      const site = await requireParent(tx.resources.site, organizationId, ref, (parent) =>
        this.resources.assertParentInScope(ctx, parent, ref.path),
      );
      const fallback = await checkFallback(tx, organizationId, input.fallback ?? { type: 'none' }, {
        ...shape,
        mayUse: houseCreativesOf(ctx, undefined),
      });
      return {
        parentId: site.id,
        scopeId: site.scopeId,
        name: input.name,
        status: input.status ?? 'active',
        data: { ...shape, floorMicros: input.floorMicros ?? 0, fallback, ...floorRulesOf(input.floorRules) },
      };
    });
  }

  get(ctx: RequestContext, id: string): Promise<PlacementView> {
    return this.resources.get(ctx, id);
  }

  list(ctx: RequestContext, filter: ResourceFilter, page: ResourceListRequest): Promise<Page<PlacementView>> {
    return this.resources.list(ctx, filter, page);
  }

  update(ctx: RequestContext, id: string, input: UpdatePlacementBody): Promise<PlacementView> {
    return this.resources.update(ctx, id, async (current, tx) => ({
      ...(input.name ? { name: input.name } : {}),
      ...(input.status ? { status: input.status } : {}),
      data: await this.nextData(ctx, tx, current.data, input),
    }));
  }

  archive(ctx: RequestContext, id: string): Promise<PlacementView> {
    return this.resources.update(ctx, id, () => ({ status: 'archived' }));
  }

  /** Merges the patch and re-checks what depends on formats and sizes, including a house fallback kept as it was. */
  private async nextData(ctx: RequestContext, tx: MetadataTx, current: PlacementData, input: UpdatePlacementBody): Promise<PlacementData> {
    const shape = { formats: input.formats ?? current.formats, sizes: input.sizes ?? current.sizes };
    checkSizes(shape);
    const reshaped = input.formats !== undefined || input.sizes !== undefined;
    const fallbackInput = input.fallback ?? (reshaped ? current.fallback : undefined);
    const kept = current.fallback.type === 'house' ? current.fallback.creativeId : undefined;
    const fallback = fallbackInput
      ? await checkFallback(tx, ctx.principal.organizationId, fallbackInput, { ...shape, mayUse: houseCreativesOf(ctx, kept) })
      : current.fallback;
    const floorRules = input.floorRules === undefined ? current.floorRules : input.floorRules;
    return { ...shape, floorMicros: input.floorMicros ?? current.floorMicros, fallback, ...floorRulesOf(floorRules) };
  }
}

/**
 * The house creatives a caller may name: any of the organization, or, for a
 * caller limited to some publishers (ADR 0017) — to whom every advertiser's
 * creatives read as missing — only the one the placement already falls back to.
 */
const houseCreativesOf =
  (ctx: RequestContext, kept: string | undefined) =>
  (creativeId: string): boolean =>
    accessScopeOf(ctx.principal) === undefined || creativeId === kept;

/** Stored only when there are some: an empty list and no list mean the same (none of its own). */
function floorRulesOf(rules: FloorRule[] | undefined): { floorRules?: FloorRule[] } {
  return rules === undefined || rules.length === 0 ? {} : { floorRules: checkFloorRules(rules, 'body.floorRules') };
}
