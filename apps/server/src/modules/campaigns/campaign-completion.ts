import { isAppError, type Resource } from '@adplatform/domain';
import type { ResourceStore } from '@adplatform/ports';
import { recordAudit } from '../audit/audit-recorder.js';
import type { ResourceServiceDeps } from '../resources/resource.service.js';
import type { CampaignData, CampaignView } from './campaigns.schemas.js';

const LIVE = ['active', 'paused'];
const PAGE = 200;

const hasEnded = (campaign: Resource<CampaignData>, now: Date): boolean =>
  LIVE.includes(campaign.status) && campaign.data.endsAt !== null && Date.parse(campaign.data.endsAt) <= now.getTime();

/**
 * Moves every active or paused campaign whose `endsAt` is at or before `now`
 * to `completed`, in every organization: one transaction per campaign with a
 * system audit entry (`campaign.status`), then a change event. A campaign that
 * changed meanwhile (another writer, another sweeper) is skipped, not
 * overwritten. Returns how many it completed. Cost: one list query per page of
 * live campaigns per organization.
 */
export async function completeEndedCampaigns(
  deps: ResourceServiceDeps,
  toView: (r: Resource<CampaignData>) => CampaignView,
  now: Date,
): Promise<number> {
  let completed = 0;
  let cursor: string | undefined;
  do {
    const organizations = await deps.store.organizations.list({ limit: PAGE, cursor });
    for (const organization of organizations.items) {
      for (const campaign of await endedIn(deps, organization.id, now)) {
        if (await complete(deps, toView, campaign, now)) completed++;
      }
    }
    cursor = organizations.nextCursor ?? undefined;
  } while (cursor);
  return completed;
}

async function endedIn(deps: ResourceServiceDeps, organizationId: string, now: Date): Promise<Resource<CampaignData>[]> {
  const store = deps.store.resources.campaign as ResourceStore<CampaignData>;
  const ended: Resource<CampaignData>[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.list(organizationId, { status: LIVE }, { limit: PAGE, cursor });
    ended.push(...page.items.filter((c) => hasEnded(c, now)));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return ended;
}

async function complete(
  deps: ResourceServiceDeps,
  toView: (r: Resource<CampaignData>) => CampaignView,
  campaign: Resource<CampaignData>,
  now: Date,
): Promise<boolean> {
  const after = await deps.store
    .transaction(async (tx) => {
      const store = tx.resources.campaign as ResourceStore<CampaignData>;
      const current = await store.get(campaign.organizationId, campaign.id);
      if (!current || current.version !== campaign.version || !hasEnded(current, now)) return undefined;
      const updated = await store.update(current.organizationId, current.id, {
        status: 'completed',
        updatedAt: now,
        expectedVersion: current.version,
      });
      if (!updated) return undefined;
      await recordAudit(
        tx,
        { principal: null, requestId: null },
        {
          organizationId: current.organizationId,
          action: 'campaign.status',
          resourceType: 'campaign',
          resourceId: current.id,
          before: toView(current),
          after: toView(updated),
        },
        now,
      );
      return updated;
    })
    // Another writer won the race: its version stands, the next sweep looks again.
    .catch((error: unknown) => {
      if (isAppError(error) && error.code === 'CONFLICT') return undefined;
      throw error;
    });
  if (!after) return false;
  deps.bus.publish({
    kind: 'campaign',
    id: after.id,
    organizationId: after.organizationId,
    version: after.version,
    op: 'updated',
    at: after.updatedAt,
  });
  return true;
}
