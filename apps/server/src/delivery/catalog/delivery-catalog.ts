import type { DeliveryLineItem } from '@adplatform/decision-core';
import type { ChangeEvent, Clock } from '@adplatform/domain';
import type { ChangeBus, MetadataStore } from '@adplatform/ports';
import { DebouncedWork } from '../debounced-work.js';
import { buildSnapshot, type OrganizationSnapshot } from './load-organization.js';
import { type DeliveryKind, isDeliveryKind, OrganizationResources, type ResourceChanges } from './organization-resources.js';

/** Changes waiting for an organization's next build: ids by kind (segments are the membership index's, demand partners the exchange's). */
type Pending = Map<DeliveryKind, Set<string>>;

export interface DeliveryCatalogOptions {
  store: MetadataStore;
  bus: ChangeBus;
  clock: Clock;
  /** How long to gather changes before rebuilding (a burst of edits costs one build). Default 50 ms. */
  debounceMs?: number;
  log?: { error(obj: unknown, msg: string): void; info?(obj: unknown, msg: string): void };
  /**
   * Called after each swap with the new snapshot and the line items whose delivery form is new in it
   * (all of them after a full build), e.g. to lease budget allowances before the first request.
   */
  onSwap?: (snapshot: OrganizationSnapshot, changed: readonly DeliveryLineItem[]) => void;
  /** How often every organization is re-listed from the store and rebuilt from scratch, a safety net under the events. Default 10 minutes. */
  fullReloadMs?: number;
}

/**
 * The delivery snapshots of every organization, kept current from change events. Each
 * organization's deliverable resources are listed once (at start, then every `fullReloadMs`) and
 * kept in memory; a change event queues its resource; after `debounceMs` the queued resources are
 * re-read one by one (`getMany`), the line items they reach are mapped again and the index is rebuilt
 * reusing every unchanged line item, off the request path, then swapped in whole. A request reads one
 * snapshot and never sees half a rebuild.
 */
export class DeliveryCatalog {
  private readonly snapshots = new Map<string, OrganizationSnapshot>();
  private readonly placementOrg = new Map<string, string>();
  /** Every line item delivered since start, kept after it stops: its late impressions and clicks still spend. */
  private readonly servedLineItems = new Map<string, DeliveryLineItem>();
  private readonly resources = new Map<string, OrganizationResources>();
  /** Organization → the resources its change events named since its last build. */
  private readonly work: DebouncedWork<string, Pending>;
  /** Organizations to re-list from scratch at their next build (the safety net, or after a failed update). */
  private readonly reloadDue = new Set<string>();
  private reloadTimer: ReturnType<typeof setInterval> | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly options: DeliveryCatalogOptions) {
    this.work = new DebouncedWork({ debounceMs: options.debounceMs ?? 50, run: (id, pending) => this.rebuild(id, pending) });
  }

  private get closed(): boolean {
    return this.work.isClosed;
  }

  /** Loads every organization, then follows changes. */
  async start(): Promise<void> {
    this.unsubscribe = this.options.bus.subscribe((event) => this.onChange(event));
    let cursor: string | undefined;
    do {
      const page = await this.options.store.organizations.list({ limit: 200, cursor });
      // In the build queue like any other build, so a change event's update never interleaves with a full load.
      for (const org of page.items) {
        await this.work.enqueue(() => this.rebuild(org.id, undefined));
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    this.reloadTimer = setInterval(() => this.reloadAll(), this.options.fullReloadMs ?? 600_000);
    this.reloadTimer.unref?.();
  }

  /** The snapshot that owns a placement, or undefined for a placement nobody delivers to (unknown, paused, archived). */
  forPlacement(placementId: string): OrganizationSnapshot | undefined {
    const organizationId = this.placementOrg.get(placementId);
    return organizationId === undefined ? undefined : this.snapshots.get(organizationId);
  }

  /** A line item this process has delivered (its latest version), even if it no longer delivers. */
  lineItem(lineItemId: string): DeliveryLineItem | undefined {
    return this.servedLineItems.get(lineItemId);
  }

  /** The current snapshot of every organization. */
  snapshotsNow(): OrganizationSnapshot[] {
    return [...this.snapshots.values()];
  }

  forOrganization(organizationId: string): OrganizationSnapshot | undefined {
    return this.snapshots.get(organizationId);
  }

  /** Resolves once every change seen so far is visible (tests, shutdown). */
  settle(): Promise<void> {
    return this.work.settle();
  }

  async close(): Promise<void> {
    this.unsubscribe?.();
    if (this.reloadTimer !== undefined) clearInterval(this.reloadTimer);
    await this.work.close();
  }

  private onChange(event: ChangeEvent): void {
    if (this.closed || !isDeliveryKind(event.kind)) return;
    const pending = this.work.upsert(event.organizationId, () => new Map());
    let ids = pending.get(event.kind);
    if (ids === undefined) {
      ids = new Set();
      pending.set(event.kind, ids);
    }
    ids.add(event.id);
  }

  /** Marks every organization for a rebuild from scratch at the next flush. */
  private reloadAll(): void {
    if (this.closed) return;
    for (const id of this.resources.keys()) {
      this.reloadDue.add(id);
      this.work.upsert(id, () => new Map());
    }
  }

  /**
   * From the queued changes when the organization's resources are in memory, else (first sight, the
   * safety net, after a failure) by listing them all. A failure keeps the previous snapshot serving
   * and makes the next build a full one.
   */
  private async rebuild(organizationId: string, pending: Pending | undefined): Promise<void> {
    try {
      let resources = this.resources.get(organizationId);
      let changes: ResourceChanges | undefined;
      if (resources === undefined || pending === undefined || this.reloadDue.has(organizationId)) {
        this.reloadDue.delete(organizationId);
        resources = await OrganizationResources.load(this.options.store, organizationId, resources);
        this.resources.set(organizationId, resources);
      } else {
        changes = { lineItemIds: new Set(), placements: false, creatives: false };
        await resources.refresh(this.options.store, pending, changes);
      }
      if (this.closed) return;
      const previous = this.snapshots.get(organizationId);
      const { snapshot, changed } = buildSnapshot(resources, previous, changes, this.options.clock.now().getTime());
      this.swap(organizationId, snapshot, changed);
    } catch (err) {
      this.reloadDue.add(organizationId);
      this.options.log?.error({ err, organizationId }, 'delivery snapshot build failed');
    }
  }

  private swap(organizationId: string, snapshot: OrganizationSnapshot, changed: readonly DeliveryLineItem[]): void {
    const previous = this.snapshots.get(organizationId);
    if (previous?.placements !== snapshot.placements) {
      if (previous) for (const id of previous.placements.keys()) this.placementOrg.delete(id);
      for (const id of snapshot.placements.keys()) this.placementOrg.set(id, organizationId);
    }
    this.snapshots.set(organizationId, snapshot);
    for (const lineItem of changed) this.servedLineItems.set(lineItem.id, lineItem);
    this.options.onSwap?.(snapshot, changed);
  }
}
