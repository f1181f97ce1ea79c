import { randomUUID } from 'node:crypto';
import type { DirectSelection } from '@adplatform/decision-core';
import type { CounterStore } from '@adplatform/ports';
import type { AllowanceManager } from '../../delivery/budget/allowances.js';
import { budgetKeysOf } from '../../delivery/budget/budget-keys.js';
import type { CatalogPlacement, OrganizationSnapshot } from '../../delivery/catalog/load-organization.js';
import { renderDirectAd } from '../../delivery/decisions/ad-answer.js';
import type { Ad } from '../../delivery/decisions/decisions.schemas.js';
import { escapeXml, trackerPixels } from '../../delivery/render/index.js';
import type { TrackingSigner } from '../../delivery/tracking/tracking-signer.js';

export interface DirectWinDeps {
  allowances: AllowanceManager;
  counters: CounterStore;
  signer: TrackingSigner;
  log?: { error(obj: unknown, msg: string): void } | undefined;
}

export interface DirectWinAt {
  snapshot: OrganizationSnapshot;
  placement: CatalogPlacement;
  userKey: string | undefined;
  nowMs: number;
  origin: string;
  /** `test: 1`: render the ad but spend nothing and count no frequency. */
  test: boolean;
}

/**
 * Serves a direct line item that won an imp, as the Decision API does: takes the impression's cost
 * from the leased allowance (no allowance, no bid), counts the user's frequency, signs the tracking
 * URLs and renders the ad. Undefined when the allowance ran out since the decision.
 */
export function commitDirectWin(selection: DirectSelection, at: DirectWinAt, deps: DirectWinDeps): Ad | undefined {
  const { lineItem } = selection;
  if (!at.test) {
    const keys = budgetKeysOf(lineItem, at.nowMs);
    if (keys.length > 0 && !deps.allowances.consume(keys, selection.costMicros)) return undefined;
    if (at.userKey !== undefined && (lineItem.frequencyCaps?.length ?? 0) > 0) {
      deps.counters.recordImpression(at.userKey, [lineItem.id, lineItem.campaignId], at.nowMs).catch((err: unknown) => {
        deps.log?.error({ err }, 'frequency record failed');
      });
    }
  }
  const creative = at.snapshot.creatives.get(selection.creative.id);
  if (!creative) return undefined;
  return renderDirectAd({
    selection,
    creative,
    placement: at.placement,
    signer: deps.signer,
    decisionId: randomUUID(),
    nowMs: at.nowMs,
    origin: at.origin,
  });
}

/**
 * The markup a Prebid renderer shows: the ad's HTML with our impression pixel (a Prebid page does not run
 * our ad tag, so nothing else would count it), or for video a VAST wrapper around our VAST URL.
 */
export function admOf(ad: Ad): string {
  if (ad.format === 'video' && ad.vastUrl) {
    return `<VAST version="4.0"><Ad id="${escapeXml(ad.decisionId)}"><Wrapper><AdSystem>AdPlatform</AdSystem><VASTAdTagURI><![CDATA[${ad.vastUrl}]]></VASTAdTagURI></Wrapper></Ad></VAST>`;
  }
  return ad.html + trackerPixels([ad.impressionUrl]);
}
