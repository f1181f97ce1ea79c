import type { Page } from '@adplatform/domain';
import { invalidField, type Resource } from '@adplatform/domain';
import type { ResourceFilter, ResourceListRequest } from '@adplatform/ports';
import type { RequestContext } from '../audit/audit-recorder.js';
import { normalizeDomain } from '../publishers/domain-name.js';
import { ResourceService, type ResourceServiceDeps } from '../resources/resource.service.js';
import type { AdvertiserData, AdvertiserStatus, AdvertiserView } from './advertisers.schemas.js';

const toView = (r: Resource<AdvertiserData>): AdvertiserView => ({
  id: r.id,
  name: r.name,
  status: r.status as AdvertiserStatus,
  version: r.version,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
  ...r.data,
});

// ISO 4217 codes as the runtime's ICU knows them.
const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

/** Host names in lower case, each checked (`body.domains[i]`) and distinct once folded; undefined for none. */
function domainsOf(domains: readonly string[] | undefined): string[] | undefined {
  if (domains === undefined || domains.length === 0) return undefined;
  const normalized = domains.map((domain, i) => normalizeDomain(domain, `body.domains[${i}]`));
  const repeated = normalized.findIndex((domain, i) => normalized.indexOf(domain) !== i);
  if (repeated >= 0) throw invalidField(`body.domains[${repeated}]`, 'repeats another domain (domains are compared in lower case)');
  return normalized;
}

/** Advertisers: who pays. Their currency is fixed at creation; budgets and bids below them use it. */
export class AdvertisersService {
  readonly resources: ResourceService<AdvertiserData, AdvertiserView>;

  constructor(deps: ResourceServiceDeps) {
    this.resources = new ResourceService(deps, 'advertiser', toView);
  }

  create(
    ctx: RequestContext,
    input: {
      name: string;
      currency: string;
      contact?: AdvertiserData['contact'] | undefined;
      domains?: string[] | undefined;
      status?: string | undefined;
    },
  ): Promise<AdvertiserView> {
    if (!CURRENCIES.has(input.currency)) throw invalidField('body.currency', 'is not an ISO 4217 currency code');
    const domains = domainsOf(input.domains);
    return this.resources.create(ctx, async () => ({
      parentId: null,
      scopeId: null,
      name: input.name,
      status: input.status ?? 'active',
      data: { currency: input.currency, contact: input.contact ?? {}, ...(domains ? { domains } : {}) },
    }));
  }

  get(ctx: RequestContext, id: string): Promise<AdvertiserView> {
    return this.resources.get(ctx, id);
  }

  list(ctx: RequestContext, filter: ResourceFilter, page: ResourceListRequest): Promise<Page<AdvertiserView>> {
    return this.resources.list(ctx, filter, page);
  }

  update(
    ctx: RequestContext,
    id: string,
    input: {
      name?: string | undefined;
      contact?: AdvertiserData['contact'] | undefined;
      domains?: string[] | undefined;
      status?: string | undefined;
    },
  ): Promise<AdvertiserView> {
    const domains = domainsOf(input.domains);
    return this.resources.update(ctx, id, (current) => {
      if (!input.contact && input.domains === undefined) {
        return { ...(input.name ? { name: input.name } : {}), ...(input.status ? { status: input.status } : {}) };
      }
      const data: AdvertiserData = { ...current.data, ...(input.contact ? { contact: input.contact } : {}) };
      // An empty list removes the domains.
      if (input.domains !== undefined) {
        if (domains) data.domains = domains;
        else delete data.domains;
      }
      return { ...(input.name ? { name: input.name } : {}), ...(input.status ? { status: input.status } : {}), data };
    });
  }

  archive(ctx: RequestContext, id: string): Promise<AdvertiserView> {
    return this.resources.update(ctx, id, () => ({ status: 'archived' }));
  }
}
