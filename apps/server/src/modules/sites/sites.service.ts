import type { Page, Resource } from '@adplatform/domain';
import type { ResourceFilter, ResourceListRequest } from '@adplatform/ports';
import type { RequestContext } from '../audit/audit-recorder.js';
import { requireParent } from '../publishers/require-parent.js';
import { ResourceService, type ResourceServiceDeps } from '../resources/resource.service.js';
import { checkIdentity } from './site-rules.js';
import type { CreateSiteBody, SiteData, SiteView, UpdateSiteBody } from './sites.schemas.js';

const toView = (r: Resource<SiteData>): SiteView => ({
  id: r.id,
  name: r.name,
  status: r.status as SiteView['status'],
  version: r.version,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
  publisherId: r.parentId ?? '',
  ...r.data,
});

/** Sites and apps: where a publisher's ad units live. The publisher is the parent and the scope. */
export class SitesService {
  readonly resources: ResourceService<SiteData, SiteView>;

  constructor(deps: ResourceServiceDeps) {
    this.resources = new ResourceService(deps, 'site', toView);
  }

  create(ctx: RequestContext, input: CreateSiteBody): Promise<SiteView> {
    const identity = checkIdentity(input.type, input);
    return this.resources.create(ctx, async (tx) => {
      const ref = { id: input.publisherId, path: 'body.publisherId', label: 'publisher' };
      await requireParent(tx.resources.publisher, ctx.principal.organizationId, ref, (parent) =>
        this.resources.assertParentInScope(ctx, parent, ref.path),
      );
      return {
        parentId: input.publisherId,
        scopeId: input.publisherId,
        name: input.name,
        status: input.status ?? 'active',
        data: { type: input.type, ...identity, categories: input.categories ?? [] },
      };
    });
  }

  get(ctx: RequestContext, id: string): Promise<SiteView> {
    return this.resources.get(ctx, id);
  }

  list(ctx: RequestContext, filter: ResourceFilter, page: ResourceListRequest): Promise<Page<SiteView>> {
    return this.resources.list(ctx, filter, page);
  }

  update(ctx: RequestContext, id: string, input: UpdateSiteBody): Promise<SiteView> {
    return this.resources.update(ctx, id, (current) => {
      const { domain, bundleId, storeUrl } = current.data;
      const identity = checkIdentity(current.data.type, {
        domain: input.domain ?? (current.data.type === 'site' ? domain : undefined),
        bundleId: input.bundleId ?? bundleId,
        storeUrl: input.storeUrl === null ? null : (input.storeUrl ?? storeUrl),
      });
      return {
        ...(input.name ? { name: input.name } : {}),
        ...(input.status ? { status: input.status } : {}),
        data: { type: current.data.type, ...identity, categories: input.categories ?? current.data.categories },
      };
    });
  }

  archive(ctx: RequestContext, id: string): Promise<SiteView> {
    return this.resources.update(ctx, id, () => ({ status: 'archived' }));
  }
}
