import type { Page, Resource } from '@adplatform/domain';
import type { ResourceFilter, ResourceListRequest, SegmentMemberStore } from '@adplatform/ports';
import type { RequestContext } from '../audit/audit-recorder.js';
import { ResourceService, type ResourceServiceDeps } from '../resources/resource.service.js';
import type { CreateSegmentBody, SegmentData, SegmentRecordView, SegmentView, UpdateSegmentBody } from './segments.schemas.js';

const toView = (r: Resource<SegmentData>): SegmentRecordView => ({
  id: r.id,
  name: r.name,
  status: r.status as SegmentRecordView['status'],
  version: r.version,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
  description: r.data.description,
  membersUpdatedAt: r.data.membersUpdatedAt ?? null,
  lastMembersChange: r.data.lastMembersChange ?? null,
});

export type MembersChange = NonNullable<SegmentData['lastMembersChange']>;

/**
 * Audience segments: named sets of user keys for targeting. The segment is a
 * resource like the others; its members live in their own table (ADR 0007),
 * so the view's `memberCount` is counted, not stored.
 */
export class SegmentsService {
  readonly resources: ResourceService<SegmentData, SegmentRecordView>;

  constructor(private readonly deps: ResourceServiceDeps) {
    this.resources = new ResourceService(deps, 'segment', toView);
  }

  get members(): SegmentMemberStore {
    return this.deps.store.segmentMembers;
  }

  async create(ctx: RequestContext, input: CreateSegmentBody): Promise<SegmentView> {
    const view = await this.resources.create(ctx, async () => ({
      parentId: null,
      scopeId: null,
      name: input.name,
      status: input.status ?? 'active',
      data: { description: input.description ?? '' },
    }));
    return { ...view, memberCount: 0 };
  }

  async get(ctx: RequestContext, id: string): Promise<SegmentView> {
    return this.withCount(ctx, await this.resources.get(ctx, id));
  }

  async list(ctx: RequestContext, filter: ResourceFilter, page: ResourceListRequest): Promise<Page<SegmentView>> {
    const result = await this.resources.list(ctx, filter, page);
    return { items: await Promise.all(result.items.map((view) => this.withCount(ctx, view))), nextCursor: result.nextCursor };
  }

  async update(ctx: RequestContext, id: string, input: UpdateSegmentBody): Promise<SegmentView> {
    const view = await this.resources.update(ctx, id, (current) => ({
      ...(input.name ? { name: input.name } : {}),
      ...(input.status ? { status: input.status } : {}),
      ...(input.description !== undefined ? { data: { ...current.data, description: input.description } } : {}),
    }));
    return this.withCount(ctx, view);
  }

  /** Archived segments keep their members; targeting stops using them. */
  async archive(ctx: RequestContext, id: string): Promise<SegmentView> {
    return this.withCount(ctx, await this.resources.update(ctx, id, () => ({ status: 'archived' })));
  }

  /**
   * Members changed (they are written outside the segment's row): stamp the
   * segment, which bumps its version, audits the counts and publishes a change
   * event so the delivery index reloads the segment.
   */
  async recordMembersChange(ctx: RequestContext, id: string, change: MembersChange): Promise<void> {
    const at = this.deps.clock.now().toISOString();
    await this.resources.update(ctx, id, (current) => ({ data: { ...current.data, membersUpdatedAt: at, lastMembersChange: change } }));
  }

  private async withCount(ctx: RequestContext, view: SegmentRecordView): Promise<SegmentView> {
    return { ...view, memberCount: await this.members.count(ctx.principal.organizationId, view.id) };
  }
}
