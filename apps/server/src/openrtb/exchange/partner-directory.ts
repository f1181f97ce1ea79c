import type { ChangeBus, MetadataStore } from '@adplatform/ports';
import type { DemandPartnerData } from '../../modules/demand-partners/demand-partners.schemas.js';
import type { DemandPartnerTarget } from '../demand/demand-types.js';

/**
 * Every organization's active, enabled demand partners, in memory: loaded at start, reloaded per
 * organization when a partner changes (the change bus), so an auction reads them without I/O. A reload
 * that fails keeps the previous list (and is reported).
 */
export class PartnerDirectory {
  private readonly partners = new Map<string, readonly DemandPartnerTarget[]>();
  private unsubscribe: (() => void) | undefined;
  private pending = Promise.resolve();

  constructor(
    private readonly deps: {
      store: Pick<MetadataStore, 'organizations' | 'resources'>;
      bus: ChangeBus;
      log?: { error(obj: unknown, msg: string): void } | undefined;
    },
  ) {}

  async start(): Promise<void> {
    this.unsubscribe = this.deps.bus.subscribe((event) => {
      if (event.kind === 'demand_partner') this.reload(event.organizationId);
    });
    let cursor: string | undefined;
    do {
      const page = await this.deps.store.organizations.list({ limit: 200, cursor });
      for (const org of page.items) await this.load(org.id);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }

  partnersOf(organizationId: string): readonly DemandPartnerTarget[] {
    return this.partners.get(organizationId) ?? [];
  }

  /** Resolves once every reload asked for so far is done (tests). */
  settle(): Promise<void> {
    return this.pending;
  }

  close(): void {
    this.unsubscribe?.();
  }

  private reload(organizationId: string): void {
    this.pending = this.pending
      .then(() => this.load(organizationId))
      .catch((err: unknown) => this.deps.log?.error({ err, organizationId }, 'demand partners not reloaded'));
  }

  private async load(organizationId: string): Promise<void> {
    const store = this.deps.store.resources.demand_partner;
    const targets: DemandPartnerTarget[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.list(organizationId, { status: ['active'] }, { limit: 500, cursor });
      for (const resource of page.items) {
        const data = resource.data as DemandPartnerData;
        if (!data.enabled) continue;
        targets.push({
          id: resource.id,
          organizationId,
          name: resource.name,
          endpointUrl: data.endpointUrl,
          timeoutMs: data.timeoutMs,
          bidAdjustment: data.bidAdjustment,
          placementIds: data.placementIds,
          qpsLimit: data.qpsLimit,
        });
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    this.partners.set(organizationId, targets);
  }
}
