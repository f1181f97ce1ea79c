import type { DeliveryLineItem } from '@adplatform/decision-core';
import type { ChangeEvent, Clock, ResourceKind } from '@adplatform/domain';
import type { ChangeBus, MetadataStore } from '@adplatform/ports';
import { loadOrganization, type OrganizationSnapshot } from './load-organization.js';

/** Kinds whose changes can alter what an organization delivers. Segments are the membership index's; demand partners the exchange's. */
const DELIVERY_KINDS: ReadonlySet<ResourceKind> = new Set([
  'advertiser',
  'campaign',
  'line_item',
  'creative',
  'publisher',
  'site',
  'placement',
]);

export interface DeliveryCatalogOptions {
  store: MetadataStore;
  bus: ChangeBus;
  clock: Clock;
  /** How long to gather changes before rebuilding (a burst of edits costs one build). Default 50 ms. */
  debounceMs?: number;
  log?: { error(obj: unknown, msg: string): void; info?(obj: unknown, msg: string): void };
  /** Called after each swap with the new snapshot (e.g. to lease budget allowances before the first request). */
  onSwap?: (snapshot: OrganizationSnapshot) => void;
}

/**
 * The delivery snapshots of every organization, kept current from change
 * events: a change marks its organization dirty; after `debounceMs` the
 * organization is reloaded and compiled off the request path, then swapped in
 * whole. A request reads one snapshot and never sees half a rebuild.
 */
export class DeliveryCatalog {
  private readonly snapshots = new Map<string, OrganizationSnapshot>();
  private readonly placementOrg = new Map<string, string>();
  /** Every line item delivered since start, kept after it stops: its late impressions and clicks still spend. */
  private readonly servedLineItems = new Map<string, DeliveryLineItem>();
  private readonly dirty = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> = Promise.resolve();
  private unsubscribe: (() => void) | undefined;
  private closed = false;
  private readonly debounceMs: number;

  constructor(private readonly options: DeliveryCatalogOptions) {
    this.debounceMs = options.debounceMs ?? 50;
  }

  /** Loads every organization, then follows changes. */
  async start(): Promise<void> {
    this.unsubscribe = this.options.bus.subscribe((event) => this.onChange(event));
    let cursor: string | undefined;
    do {
      const page = await this.options.store.organizations.list({ limit: 200, cursor });
      for (const org of page.items) await this.rebuild(org.id);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
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
  async settle(): Promise<void> {
    while (this.dirty.size > 0 || this.timer !== undefined) {
      if (this.timer !== undefined) {
        clearTimeout(this.timer);
        this.timer = undefined;
        this.flush();
      }
      await this.running;
    }
    await this.running;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribe?.();
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.dirty.clear();
    await this.running;
  }

  private onChange(event: ChangeEvent): void {
    if (this.closed || !DELIVERY_KINDS.has(event.kind)) return;
    this.dirty.add(event.organizationId);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.debounceMs);
  }

  /** Rebuilds the dirty organizations one after another, after any build already running. */
  private flush(): void {
    const organizations = [...this.dirty];
    this.dirty.clear();
    this.running = this.running.then(async () => {
      for (const id of organizations) if (!this.closed) await this.rebuild(id);
    });
  }

  private async rebuild(organizationId: string): Promise<void> {
    try {
      const snapshot = await loadOrganization(this.options.store, organizationId, this.options.clock.now().getTime());
      if (this.closed) return;
      this.swap(organizationId, snapshot);
    } catch (err) {
      // The previous snapshot keeps serving; the next change (or restart) retries.
      this.options.log?.error({ err, organizationId }, 'delivery snapshot build failed');
    }
  }

  private swap(organizationId: string, snapshot: OrganizationSnapshot): void {
    const previous = this.snapshots.get(organizationId);
    if (previous) for (const id of previous.placements.keys()) this.placementOrg.delete(id);
    for (const id of snapshot.placements.keys()) this.placementOrg.set(id, organizationId);
    this.snapshots.set(organizationId, snapshot);
    for (const lineItem of snapshot.index.lineItems) this.servedLineItems.set(lineItem.id, lineItem);
    this.options.onSwap?.(snapshot);
  }
}
