import { type Clock, newId, notFound, type Page, type Resource, type ResourceKind } from '@adplatform/domain';
import type { ChangeBus, MetadataStore, MetadataTx, ResourceFilter, ResourceListRequest, ResourceStore } from '@adplatform/ports';
import { type RequestContext, recordAudit } from '../audit/audit-recorder.js';

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
    const created = await this.deps.store.transaction(async (tx) => {
      const draft = await prepare(tx);
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
    if (!resource) throw notFound(this.label);
    return resource;
  }

  async get(ctx: RequestContext, id: string): Promise<V> {
    return this.toView(await this.getResource(ctx, id));
  }

  async list(ctx: RequestContext, filter: ResourceFilter, page: ResourceListRequest): Promise<Page<V>> {
    const result = await this.storeOf().list(ctx.principal.organizationId, filter, page);
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
