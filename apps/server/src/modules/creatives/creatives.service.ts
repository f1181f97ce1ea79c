import { AppError, invalidField, type Page, type Resource } from '@adplatform/domain';
import type { BlobStore, MetadataTx, ResourceFilter, ResourceListRequest } from '@adplatform/ports';
import type { RequestContext } from '../audit/audit-recorder.js';
import { ResourceService, type ResourceServiceDeps } from '../resources/resource.service.js';
import { type CreativeContent, checkContent, reviewedChange } from './creative-content.js';
import { storeImageAssets } from './creative-images.js';
import type { ImageUpload } from './creative-upload.js';
import type { CreateCreativeJsonBody, CreativeData, CreativeStatus, CreativeView, UpdateCreativeBody } from './creatives.schemas.js';

const toView = (r: Resource<CreativeData>): CreativeView => ({
  id: r.id,
  name: r.name,
  status: r.status as CreativeStatus,
  version: r.version,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
  advertiserId: r.parentId as string,
  ...r.data,
});

/**
 * Creatives: what an advertiser shows. New and changed creatives wait in
 * `pending` until an owner or admin approves them; only approved ones deliver.
 * Line items refer to creatives in their own data (`creatives: [{creativeId, weight}]`).
 */
export class CreativesService {
  readonly resources: ResourceService<CreativeData, CreativeView>;

  constructor(private readonly deps: ResourceServiceDeps & { blobs: BlobStore }) {
    this.resources = new ResourceService(deps, 'creative', toView);
  }

  /** Blobs are written before the record: content-addressed, so an orphan (if the insert fails) is harmless. */
  async createImage(ctx: RequestContext, upload: ImageUpload): Promise<CreativeView> {
    await this.requireAdvertiser(ctx, upload.advertiserId);
    const assets = await storeImageAssets(this.deps.blobs, upload.file, upload);
    return this.resources.create(ctx, async (tx) => {
      await this.requireAdvertiser(ctx, upload.advertiserId, tx);
      return this.draft(upload, {
        format: 'image',
        width: upload.width,
        height: upload.height,
        clickUrl: upload.clickUrl,
        impressionTrackers: upload.impressionTrackers,
        assets,
      });
    });
  }

  create(ctx: RequestContext, input: CreateCreativeJsonBody): Promise<CreativeView> {
    const { advertiserId, name, impressionTrackers, ...rest } = input;
    const data: CreativeData = { ...rest, impressionTrackers: impressionTrackers ?? [] };
    checkContent(data);
    return this.resources.create(ctx, async (tx) => {
      await this.requireAdvertiser(ctx, advertiserId, tx);
      return this.draft({ advertiserId, name }, data);
    });
  }

  async get(ctx: RequestContext, id: string): Promise<CreativeView> {
    const creative = await this.resources.get(ctx, id);
    return { ...creative, lineItemIds: await this.lineItemsOf(ctx, id) };
  }

  list(ctx: RequestContext, filter: ResourceFilter, page: ResourceListRequest): Promise<Page<CreativeView>> {
    return this.resources.list(ctx, filter, page);
  }

  update(ctx: RequestContext, id: string, input: UpdateCreativeBody): Promise<CreativeView> {
    return this.resources.update(ctx, id, (current) => {
      refuseIfArchived(current, 'changed');
      const { name, ...content } = input;
      const change = reviewedChange(current.data, content as CreativeContent);
      return {
        ...(name ? { name } : {}),
        ...(change ? { data: change, status: 'pending' } : {}),
      };
    });
  }

  approve(ctx: RequestContext, id: string): Promise<CreativeView> {
    return this.resources.update(ctx, id, (current) => {
      refuseIfArchived(current, 'approved');
      if (current.status === 'approved') throw new AppError('CONFLICT', 'The creative is already approved');
      const { rejectionReason: _dropped, ...data } = current.data;
      return { status: 'approved', data };
    });
  }

  reject(ctx: RequestContext, id: string, reason: string): Promise<CreativeView> {
    return this.resources.update(ctx, id, (current) => {
      refuseIfArchived(current, 'rejected');
      return { status: 'rejected', data: { ...current.data, rejectionReason: reason } };
    });
  }

  archive(ctx: RequestContext, id: string): Promise<CreativeView> {
    return this.resources.update(ctx, id, () => ({ status: 'archived' }));
  }

  private draft(input: { advertiserId: string; name: string }, data: CreativeData) {
    return { parentId: input.advertiserId, scopeId: input.advertiserId, name: input.name, status: 'pending', data };
  }

  private async requireAdvertiser(ctx: RequestContext, advertiserId: string, tx?: MetadataTx): Promise<void> {
    const advertiser = await (tx ?? this.deps.store).resources.advertiser.get(ctx.principal.organizationId, advertiserId);
    this.resources.assertParentInScope(ctx, advertiser, 'body.advertiserId');
    if (!advertiser) throw invalidField('body.advertiserId', 'is not an advertiser of this organization');
    if (advertiser.status === 'archived') throw invalidField('body.advertiserId', 'is an archived advertiser');
  }

  /** Every line item whose rotation names this creative, across pages. */
  private async lineItemsOf(ctx: RequestContext, id: string): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.deps.store.resources.line_item.list(
        ctx.principal.organizationId,
        { dataContains: { creatives: [{ creativeId: id }] } },
        { limit: 200, cursor },
      );
      ids.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return ids;
  }
}

function refuseIfArchived(current: Resource<CreativeData>, what: string): void {
  if (current.status === 'archived') throw new AppError('CONFLICT', `An archived creative cannot be ${what}`);
}
