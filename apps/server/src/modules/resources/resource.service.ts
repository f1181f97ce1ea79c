import { type Clock, newId, notFound, type Page, type Resource, type ResourceKind } from '@adplatform/domain';
import type { ChangeBus, MetadataStore, MetadataTx, ResourceFilter, ResourceListRequest, ResourceStore } from '@adplatform/ports';
import { type RequestContext, recordAudit } from '../audit/audit-recorder.js';
import { type AccessScope, accessScopeOf, outsideScope, type ScopeSide } from '../auth/access-scope.js';

/** Which side of the market each kind belongs to, for callers limited to some advertisers or publishers (ADR 0017). */
const SIDE_OF: Partial<Record<ResourceKind, ScopeSide>> = {
  advertiser: 'advertiser',
  campaign: 'advertiser',
  line_item: 'advertiser',
  creative: 'advertiser',
  publisher: 'publisher',
  site: 'publisher',
  placement: 'publisher',
};
/** The body field naming a new resource's parent, for a refusal when the parent is outside the caller's limit. */
const PARENT_PATH: Partial<Record<ResourceKind, string>> = {
  campaign: 'body.advertiserId',
  line_item: 'body.campaignId',
  creative: 'body.advertiserId',
  site: 'body.publisherId',
  placement: 'body.siteId',
};

export interface ResourceServiceDeps {
  store: MetadataStore;
  bus: ChangeBus;
  clock: Clock;
}

export interface ResourceDraft<D> {
  parentId: string | null;
  scopeId: string | null;
  name: string;
  status: string;
  data: D;
}

export interface ResourceChange<D> {
  name?: string;
  status?: string;
  data?: D;
}

/**
 * The life cycle every resource shares — create, read, list, update — with the
 * tenant scoping, the audit entry (in the same transaction as the change) and
 * the change event (after commit) done once. Modules add their rules through
 * the callbacks and map resources to their API views with `toView`.
 */
export class ResourceService<D, V> {
  readonly label: string;

  constructor(
    private readonly deps: ResourceServiceDeps,
    readonly kind: ResourceKind,
    private readonly toView: (resource: Resource<D>) => V,
  ) {
    this.label = kind.replace('_', ' ');
  }

  /** The typed store of this kind, over the store or a transaction. */
  storeOf(tx: MetadataTx = this.deps.store): ResourceStore<D> {
    return tx.resources[this.kind] as ResourceStore<D>;
  }

  async create(ctx: RequestContext, prepare: (tx: MetadataTx) => Promise<ResourceDraft<D>>): Promise<V> {
    const now = this.deps.clock.now();
    const scope = this.scopeOf(ctx);
    if (scope && (this.kind === 'advertiser' || this.kind === 'publisher')) {
      throw outsideScope('body', `a credential limited to some ${scope.side}s cannot create ${this.label}s`);
    }
    const created = await this.deps.store.transaction(async (tx) => {
      const draft = await prepare(tx);
      if (scope && !(draft.scopeId && scope.ids.has(draft.scopeId))) {
        throw outsideScope(PARENT_PATH[this.kind] ?? 'body', `is outside the ${scope.side}s this credential may use`);
      }
      const resource = await this.storeOf(tx).create(ctx.principal.organizationId, { id: newId(), createdAt: now, ...draft });
      await recordAudit(
        tx,
        ctx,
        { action: `${this.kind}.create`, resourceType: this.kind, resourceId: resource.id, after: this.toView(resource) },
        now,
      );
      return resource;
    });
    this.publish(created, 'created');
    return this.toView(created);
  }

  async getResource(ctx: RequestContext, id: string, tx?: MetadataTx): Promise<Resource<D>> {
    const resource = await this.storeOf(tx).get(ctx.principal.organizationId, id);
    // Outside the caller's limit reads exactly like missing: a limited caller learns nothing of other advertisers.
    if (!resource || !this.isInScope(ctx, resource)) throw notFound(this.label);
    return resource;
  }

  async get(ctx: RequestContext, id: string): Promise<V> {
    return this.toView(await this.getResource(ctx, id));
  }

  async list(ctx: RequestContext, filter: ResourceFilter, page: ResourceListRequest): Promise<Page<V>> {
    const scope = this.scopeOf(ctx);
    const scoped: ResourceFilter = !scope
      ? filter
      : this.kind === scope.side
        ? { ...filter, ids: [...scope.ids] }
        : { ...filter, scopeIds: [...scope.ids] };
    const result = await this.storeOf().list(ctx.principal.organizationId, scoped, page);
    return { items: result.items.map(this.toView), nextCursor: result.nextCursor };
  }

  /**
   * Reads the current resource, lets `change` compute the update (and refuse it
   * by throwing), writes it if the resource did not change meanwhile, audits
   * before/after and publishes. Returns the new view.
   */
  async update(
    ctx: RequestContext,
    id: string,
    change: (current: Resource<D>, tx: MetadataTx) => Promise<ResourceChange<D>> | ResourceChange<D>,
  ): Promise<V> {
    const now = this.deps.clock.now();
    const updated = await this.deps.store.transaction(async (tx) => {
      const current = await this.getResource(ctx, id, tx);
      const patch = await change(current, tx);
      const after = await this.storeOf(tx).update(ctx.principal.organizationId, id, {
        ...patch,
        updatedAt: now,
        expectedVersion: current.version,
      });
      if (!after) throw notFound(this.label);
      const action =
        patch.status && patch.status !== current.status
          ? `${this.kind}.${patch.status === 'archived' ? 'archive' : 'status'}`
          : `${this.kind}.update`;
      await recordAudit(
        tx,
        ctx,
        { action, resourceType: this.kind, resourceId: id, before: this.toView(current), after: this.toView(after) },
        now,
      );
      return after;
    });
    this.publish(updated, 'updated');
    return this.toView(updated);
  }

  /**
   * For a caller limited to some advertisers or publishers (ADR 0017): refuses
   * (403 naming `path`) the parent a new resource names when it lies outside
   * the limit, and when it does not exist, so the answer tells nothing of the
   * resources of others — neither that they exist nor that they are archived.
   * Call it on the parent as read, before any other check on it. `parent` is of
   * this kind's side: an advertiser or a campaign, a publisher or a site.
   */
  assertParentInScope(ctx: RequestContext, parent: Resource<unknown> | undefined, path: string): void {
    if (parent && this.isInScope(ctx, parent)) return;
    const scope = this.scopeOf(ctx);
    if (scope) throw outsideScope(path, `is outside the ${scope.side}s this credential may use`);
  }

  /**
   * Whether the caller may see `resource`, one of this kind's side of the
   * market (an advertiser, or what lies below one; a publisher, or what lies
   * below one): always for an unlimited caller, else when its advertiser or
   * publisher is in the caller's limit.
   */
  isInScope(ctx: RequestContext, resource: Resource<unknown>): boolean {
    const scope = this.scopeOf(ctx);
    return !scope || scope.ids.has(resource.scopeId ?? resource.id);
  }

  /**
   * The caller's limit as it applies to this kind: undefined when unlimited.
   * A kind of the other side, or of neither (segments, demand partners),
   * gets an empty limit: a limited caller sees none of it.
   */
  private scopeOf(ctx: RequestContext): AccessScope | undefined {
    const scope = accessScopeOf(ctx.principal);
    if (!scope) return undefined;
    return SIDE_OF[this.kind] === scope.side ? scope : { side: scope.side, ids: new Set() };
  }

  private publish(resource: Resource<D>, op: 'created' | 'updated'): void {
    this.deps.bus.publish({
      kind: this.kind,
      id: resource.id,
      organizationId: resource.organizationId,
      version: resource.version,
      op,
      at: resource.updatedAt,
    });
  }
}
