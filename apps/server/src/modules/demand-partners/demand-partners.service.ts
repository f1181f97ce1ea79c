import { invalidField, type Page, type Resource } from '@adplatform/domain';
import type { MetadataTx, ResourceFilter, ResourceListRequest } from '@adplatform/ports';
import { assertPublicUrl, type HostResolver } from '../../http/outbound.js';
import type { RequestContext } from '../audit/audit-recorder.js';
import { ResourceService, type ResourceServiceDeps } from '../resources/resource.service.js';
import type { CreateDemandPartnerBody, DemandPartnerData, DemandPartnerView, UpdateDemandPartnerBody } from './demand-partners.schemas.js';

const toView = (r: Resource<DemandPartnerData>): DemandPartnerView => ({
  id: r.id,
  name: r.name,
  status: r.status as DemandPartnerView['status'],
  version: r.version,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
  ...r.data,
});

export interface OutboundPolicy {
  /** ADPLATFORM_ALLOW_PRIVATE_OUTBOUND: endpoints may be loopback, private or link-local. */
  allowPrivateOutbound: boolean;
  /** Tests inject one; the system resolver otherwise. */
  resolve?: HostResolver;
}

/** Demand partners: OpenRTB bidders the exchange fans out to. Their endpoint must be a public address (SSRF guard). */
export class DemandPartnersService {
  readonly resources: ResourceService<DemandPartnerData, DemandPartnerView>;

  constructor(
    deps: ResourceServiceDeps,
    private readonly outbound: OutboundPolicy,
  ) {
    this.resources = new ResourceService(deps, 'demand_partner', toView);
  }

  async create(ctx: RequestContext, input: CreateDemandPartnerBody): Promise<DemandPartnerView> {
    // Resolved before the transaction: no connection is held while DNS answers.
    await this.checkEndpoint(input.endpointUrl);
    return this.resources.create(ctx, async (tx) => {
      const placementIds = input.placementIds ?? [];
      await checkPlacements(tx, ctx.principal.organizationId, placementIds);
      return {
        parentId: null,
        scopeId: null,
        name: input.name,
        status: 'active',
        data: {
          endpointUrl: input.endpointUrl,
          timeoutMs: input.timeoutMs ?? 300,
          bidAdjustment: input.bidAdjustment ?? 1,
          placementIds,
          qpsLimit: input.qpsLimit ?? 1000,
          enabled: input.enabled ?? true,
        },
      };
    });
  }

  get(ctx: RequestContext, id: string): Promise<DemandPartnerView> {
    return this.resources.get(ctx, id);
  }

  list(ctx: RequestContext, filter: ResourceFilter, page: ResourceListRequest): Promise<Page<DemandPartnerView>> {
    return this.resources.list(ctx, filter, page);
  }

  async update(ctx: RequestContext, id: string, input: UpdateDemandPartnerBody): Promise<DemandPartnerView> {
    if (input.endpointUrl !== undefined) await this.checkEndpoint(input.endpointUrl);
    return this.resources.update(ctx, id, async (current, tx) => {
      if (input.placementIds) await checkPlacements(tx, ctx.principal.organizationId, input.placementIds);
      const { name, status, ...fields } = input;
      return { ...(name ? { name } : {}), ...(status ? { status } : {}), data: { ...current.data, ...fields } };
    });
  }

  archive(ctx: RequestContext, id: string): Promise<DemandPartnerView> {
    return this.resources.update(ctx, id, (current) => ({ status: 'archived', data: { ...current.data, enabled: false } }));
  }

  private async checkEndpoint(endpointUrl: string): Promise<void> {
    await assertPublicUrl(endpointUrl, {
      allowPrivate: this.outbound.allowPrivateOutbound,
      path: 'body.endpointUrl',
      ...(this.outbound.resolve ? { resolve: this.outbound.resolve } : {}),
    });
  }
}

/** Every listed placement must be one of the tenant's; the first that is not is named. */
async function checkPlacements(tx: MetadataTx, organizationId: string, placementIds: readonly string[]): Promise<void> {
  if (placementIds.length === 0) return;
  const found = new Set((await tx.resources.placement.getMany(organizationId, placementIds)).map((p) => p.id));
  const missing = placementIds.findIndex((id) => !found.has(id));
  if (missing >= 0) throw invalidField(`body.placementIds[${missing}]`, 'is not a placement of this organization');
}
