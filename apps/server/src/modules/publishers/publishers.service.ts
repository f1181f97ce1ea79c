import type { Page, Resource } from '@adplatform/domain';
import type { ResourceFilter, ResourceListRequest } from '@adplatform/ports';
import type { RequestContext } from '../audit/audit-recorder.js';
import { checkFloorRules } from '../placements/floor-rules.schemas.js';
import { ResourceService, type ResourceServiceDeps } from '../resources/resource.service.js';
import { normalizeDomain } from './domain-name.js';
import type { CreatePublisherBody, PublisherData, PublisherView, UpdatePublisherBody } from './publishers.schemas.js';

const toView = (r: Resource<PublisherData>): PublisherView => ({
  id: r.id,
  name: r.name,
  status: r.status as PublisherView['status'],
  version: r.version,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
  ...r.data,
});

/** Publishers: who sells inventory. Sites and apps belong to one; its seller type and domain feed sellers.json. */
export class PublishersService {
  readonly resources: ResourceService<PublisherData, PublisherView>;

  constructor(deps: ResourceServiceDeps) {
    this.resources = new ResourceService(deps, 'publisher', toView);
  }

  create(ctx: RequestContext, input: CreatePublisherBody): Promise<PublisherView> {
    const data: PublisherData = { contact: input.contact ?? {} };
    if (input.sellerType) data.sellerType = input.sellerType;
    if (input.domain) data.domain = normalizeDomain(input.domain, 'body.domain');
    if (input.floorRules && input.floorRules.length > 0) data.floorRules = checkFloorRules(input.floorRules, 'body.floorRules');
    return this.resources.create(ctx, async () => ({
      parentId: null,
      scopeId: null,
      name: input.name,
      status: input.status ?? 'active',
      data,
    }));
  }

  get(ctx: RequestContext, id: string): Promise<PublisherView> {
    return this.resources.get(ctx, id);
  }

  list(ctx: RequestContext, filter: ResourceFilter, page: ResourceListRequest): Promise<Page<PublisherView>> {
    return this.resources.list(ctx, filter, page);
  }

  update(ctx: RequestContext, id: string, input: UpdatePublisherBody): Promise<PublisherView> {
    const domain = typeof input.domain === 'string' ? normalizeDomain(input.domain, 'body.domain') : input.domain;
    return this.resources.update(ctx, id, (current) => {
      const data: PublisherData = { ...current.data, ...(input.contact ? { contact: input.contact } : {}) };
      // null removes the field; undefined leaves it as it is.
      if (input.sellerType === null) delete data.sellerType;
      else if (input.sellerType) data.sellerType = input.sellerType;
      if (domain === null) delete data.domain;
      else if (domain) data.domain = domain;
      // An empty list removes the rules.
      if (input.floorRules?.length === 0) delete data.floorRules;
      else if (input.floorRules) data.floorRules = checkFloorRules(input.floorRules, 'body.floorRules');
      return {
        ...(input.name ? { name: input.name } : {}),
        ...(input.status ? { status: input.status } : {}),
        data,
      };
    });
  }

  archive(ctx: RequestContext, id: string): Promise<PublisherView> {
    return this.resources.update(ctx, id, () => ({ status: 'archived' }));
  }
}
