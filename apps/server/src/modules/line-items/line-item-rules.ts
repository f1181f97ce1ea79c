import { invalidField, type Resource } from '@adplatform/domain';
import type { MetadataTx } from '@adplatform/ports';
import type { CampaignData } from '../campaigns/campaigns.schemas.js';
import { checkBudgetAndFlight, conflictAt } from '../campaigns/delivery.rules.js';
import type { LineItemData } from './line-items.schemas.js';

/** The flight a line item delivers in: its own dates, or its campaign's where it has none. */
export function effectiveFlight(data: LineItemData, campaign: CampaignData): { startsAt: string; endsAt: string | null } {
  return { startsAt: data.startsAt ?? campaign.startsAt, endsAt: data.endsAt ?? campaign.endsAt };
}

const after = (a: string, b: string): boolean => Date.parse(a) > Date.parse(b);

/**
 * Own dates inside the campaign's flight and ordered; own budgets positive,
 * daily within total, and neither above the campaign's. `changed`: the fields
 * the request sent, so the error names the one the caller touched.
 */
export function checkWithinCampaign(data: LineItemData, campaign: CampaignData, changed: ReadonlySet<string>): void {
  if (data.startsAt !== null && after(campaign.startsAt, data.startsAt)) {
    throw invalidField('body.startsAt', `must not be before the campaign starts (${campaign.startsAt})`);
  }
  if (data.endsAt !== null && campaign.endsAt !== null && after(data.endsAt, campaign.endsAt)) {
    throw invalidField('body.endsAt', `must not be after the campaign ends (${campaign.endsAt})`);
  }
  checkBudgetAndFlight(
    { ...effectiveFlight(data, campaign), totalBudgetMicros: data.totalBudgetMicros, dailyBudgetMicros: data.dailyBudgetMicros },
    changed,
  );
  const { totalBudgetMicros: total, dailyBudgetMicros: daily } = campaign;
  if (data.totalBudgetMicros !== null && total !== null && data.totalBudgetMicros > total) {
    throw invalidField('body.totalBudgetMicros', `cannot exceed the campaign's total budget (${total})`);
  }
  if (data.dailyBudgetMicros !== null && daily !== null && data.dailyBudgetMicros > daily) {
    throw invalidField('body.dailyBudgetMicros', `cannot exceed the campaign's daily budget (${daily})`);
  }
}

interface CreativeFacts {
  format?: string;
  width?: number;
  height?: number;
}
interface PlacementFacts {
  formats?: string[];
  sizes?: { width: number; height: number }[];
}

/**
 * A creative fits a placement when the placement accepts its format (or lists
 * none) and, for a creative with a size, one of the placement's sizes is
 * exactly that size (or the placement lists none).
 */
export function fits(creative: CreativeFacts, placement: PlacementFacts): boolean {
  const formats = placement.formats ?? [];
  if (formats.length > 0 && !formats.includes(creative.format ?? '')) return false;
  const sizes = placement.sizes ?? [];
  if (creative.width === undefined || creative.height === undefined || sizes.length === 0) return true;
  return sizes.some((s) => s.width === creative.width && s.height === creative.height);
}

/**
 * A line item may go active when its campaign is neither completed nor
 * archived, and at least one attached creative is approved and fits one of
 * its placements: the line item's targeted placements, else the campaign's;
 * when neither targets placements, any approved creative will do.
 */
export async function checkCanActivate(tx: MetadataTx, data: LineItemData, campaign: Resource<CampaignData>): Promise<void> {
  if (campaign.status === 'completed' || campaign.status === 'archived') {
    throw conflictAt('body.status', `cannot be active: its campaign is ${campaign.status}`);
  }
  const org = campaign.organizationId;
  const ids = data.creatives.map((c) => c.creativeId);
  if (ids.length === 0) throw conflictAt('body.status', 'cannot be active: attach an approved creative first');
  const approved = (await tx.resources.creative.getMany(org, ids)).filter((c) => c.status === 'approved');
  if (approved.length === 0) throw conflictAt('body.status', 'cannot be active: none of its creatives is approved');
  const placementIds = data.targeting.placements?.length ? data.targeting.placements : (campaign.data.targeting.placements ?? []);
  if (placementIds.length === 0) return;
  const placements = (await tx.resources.placement.getMany(org, placementIds)).filter((p) => p.status !== 'archived');
  const ok = approved.some((c) => placements.some((p) => fits(c.data as CreativeFacts, p.data as PlacementFacts)));
  if (!ok) {
    const accepted = placements.flatMap((p) => (p.data as PlacementFacts).sizes ?? []).map((s) => `${s.width}x${s.height}`);
    const sizes = accepted.length ? ` (sizes ${[...new Set(accepted)].join(', ')})` : '';
    throw conflictAt('body.status', `cannot be active: no approved creative fits its placements${sizes}`);
  }
}
