import type { ChangeEvent } from '@adplatform/domain';
import type { ChangeBus, MetadataStore } from '@adplatform/ports';
import { DebouncedWork } from '../debounced-work.js';

export interface SegmentMembershipOptions {
  store: Pick<MetadataStore, 'organizations' | 'resources' | 'segmentMembers'>;
  bus: ChangeBus;
  /** Keys per `listMembers` page. Default 10,000. */
  pageSize?: number;
  /**
   * Upper bound on (user key, segment) pairs held, over all organizations.
   * A segment whose load would pass it is left out (and reported in `status()`
   * and the log) rather than loaded in part. Default 5,000,000: 0.4-0.65 GB
   * at the measured 73-131 bytes per pair (docs/adr/0010-request-context.md).
   */
  maxMemberships?: number;
  /** How long to gather change events before reloading. Default 50 ms. */
  debounceMs?: number;
  log?: { error(obj: unknown, msg: string): void; warn?(obj: unknown, msg: string): void };
}

export interface SegmentMembershipStatus {
  memberships: number;
  segments: number;
  /** Segments left out because loading them would pass `maxMemberships`. */
  skipped: readonly { organizationId: string; segmentId: string; members: number }[];
}

const NO_SEGMENTS: readonly string[] = Object.freeze([]);

/**
 * Which active audience segments each user key belongs to, per organization,
 * in memory, so a decision finds a user's segments with one map lookup and no
 * I/O. Loaded at start from the metadata store; a `segment` change event (an
 * upload or removal of members, an archive) reloads that one segment off the
 * request path: its members are read page by page into a set first, then
 * applied in one synchronous step, so a request sees the segment either
 * entirely before or entirely after the change.
 */
export class SegmentMembership {
  private readonly byOrganization = new Map<string, Map<string, readonly string[]>>();
  private readonly loaded = new Map<string, Map<string, number>>(); // org → segment → members held
  private readonly skipped = new Map<string, { organizationId: string; segmentId: string; members: number }>();
  /** `org/segment` → the segment to reload, gathered from change events. */
  private readonly work: DebouncedWork<string, { organizationId: string; segmentId: string }>;
  private memberships = 0;
  private unsubscribe: (() => void) | undefined;
  private readonly pageSize: number;
  private readonly maxMemberships: number;

  constructor(private readonly options: SegmentMembershipOptions) {
    this.pageSize = options.pageSize ?? 10_000;
    this.maxMemberships = options.maxMemberships ?? 5_000_000;
    this.work = new DebouncedWork({
      debounceMs: options.debounceMs ?? 50,
      run: (_key, { organizationId, segmentId }) => this.reloadSegment(organizationId, segmentId),
    });
  }

  private get closed(): boolean {
    return this.work.isClosed;
  }

  /** Loads the active segments of every organization, then follows change events. */
  async start(): Promise<void> {
    this.unsubscribe = this.options.bus.subscribe((event) => this.onChange(event));
    let cursor: string | undefined;
    do {
      const page = await this.options.store.organizations.list({ limit: 200, cursor });
      for (const org of page.items) await this.loadOrganization(org.id);
      cursor = page.nextCursor ?? undefined;
    } while (cursor && !this.closed);
  }

  /**
   * The ids of the active segments that contain the user key, sorted; an
   * empty list for no key or an unknown one. The array is shared: never mutate it.
   */
  segmentsFor(organizationId: string, userKey: string | undefined): readonly string[] {
    if (userKey === undefined) return NO_SEGMENTS;
    return this.byOrganization.get(organizationId)?.get(userKey) ?? NO_SEGMENTS;
  }

  status(): SegmentMembershipStatus {
    let segments = 0;
    for (const held of this.loaded.values()) segments += held.size;
    return { memberships: this.memberships, segments, skipped: [...this.skipped.values()] };
  }

  /** Resolves once every change seen so far is applied (tests, shutdown). */
  settle(): Promise<void> {
    return this.work.settle();
  }

  async close(): Promise<void> {
    this.unsubscribe?.();
    await this.work.close();
  }

  private onChange(event: ChangeEvent): void {
    if (this.closed || event.kind !== 'segment') return;
    const { organizationId, id: segmentId } = event;
    this.work.upsert(`${organizationId}/${segmentId}`, () => ({ organizationId, segmentId }));
  }

  private async loadOrganization(organizationId: string): Promise<void> {
    const segmentStore = this.options.store.resources.segment;
    let cursor: string | undefined;
    do {
      const page = await segmentStore.list(organizationId, { status: ['active'] }, { limit: 200, cursor });
      for (const segment of page.items) await this.reloadSegment(organizationId, segment.id);
      cursor = page.nextCursor ?? undefined;
    } while (cursor && !this.closed);
  }

  private async reloadSegment(organizationId: string, segmentId: string): Promise<void> {
    try {
      const segment = await this.options.store.resources.segment.get(organizationId, segmentId);
      const members = segment?.status === 'active' ? await this.readMembers(organizationId, segmentId) : new Set<string>();
      if (this.closed) return;
      this.apply(organizationId, segmentId, members);
    } catch (err) {
      // The previous membership keeps serving; the next change (or a restart) retries.
      this.options.log?.error({ err, organizationId, segmentId }, 'segment membership reload failed');
    }
  }

  private async readMembers(organizationId: string, segmentId: string): Promise<Set<string>> {
    const members = new Set<string>();
    let after: string | undefined;
    for (;;) {
      const page = await this.options.store.segmentMembers.listMembers(organizationId, segmentId, { after, limit: this.pageSize });
      for (const key of page) members.add(key);
      if (page.length < this.pageSize || this.closed) return members;
      after = page[page.length - 1];
    }
  }

  /** Replaces one segment's members in the index; synchronous, so no request sees it half done. */
  private apply(organizationId: string, segmentId: string, members: ReadonlySet<string>): void {
    const loadedHere = this.loaded.get(organizationId) ?? new Map<string, number>();
    const previous = loadedHere.get(segmentId) ?? 0;
    const skipKey = `${organizationId}/${segmentId}`;
    let next = members;
    if (this.memberships - previous + members.size > this.maxMemberships) {
      this.skipped.set(skipKey, { organizationId, segmentId, members: members.size });
      this.options.log?.warn?.(
        { organizationId, segmentId, members: members.size },
        'segment left out of the in-memory membership index: too large',
      );
      next = new Set();
    } else {
      this.skipped.delete(skipKey);
    }
    const index = this.byOrganization.get(organizationId) ?? new Map<string, readonly string[]>();
    if (previous > 0) this.removeSegment(index, segmentId, next);
    for (const key of next) {
      const current = index.get(key);
      if (current === undefined) index.set(key, Object.freeze([segmentId]));
      else if (!current.includes(segmentId)) index.set(key, Object.freeze([...current, segmentId].sort()));
    }
    this.memberships += next.size - previous;
    if (next.size > 0) loadedHere.set(segmentId, next.size);
    else loadedHere.delete(segmentId);
    this.loaded.set(organizationId, loadedHere);
    this.byOrganization.set(organizationId, index);
  }

  /** Takes the segment off every key that is not in `keep`: one pass over the organization's keys. */
  private removeSegment(index: Map<string, readonly string[]>, segmentId: string, keep: ReadonlySet<string>): void {
    for (const [key, ids] of index) {
      if (keep.has(key) || !ids.includes(segmentId)) continue;
      if (ids.length === 1) index.delete(key);
      else index.set(key, Object.freeze(ids.filter((id) => id !== segmentId)));
    }
  }
}
