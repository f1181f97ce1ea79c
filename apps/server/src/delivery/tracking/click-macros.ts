import { randomInt } from 'node:crypto';
import type { TrackingFacts } from './tracking-signer.js';

/**
 * Macros substituted in a creative's landing URL when a click redirects to it.
 * Values are URL-encoded; an unknown `{NAME}` is left as written.
 */
export const CLICK_MACROS = [
  'CLICK_ID',
  'DECISION_ID',
  'PLACEMENT_ID',
  'CREATIVE_ID',
  'LINE_ITEM_ID',
  'CAMPAIGN_ID',
  'SITE_ID',
  'PUBLISHER_ID',
  'CACHEBUSTER',
] as const;
export type ClickMacro = (typeof CLICK_MACROS)[number];

const MACRO = /\{([A-Z_]+)\}/g;

export function clickMacroValues(facts: TrackingFacts, clickId: string): Record<ClickMacro, string> {
  return {
    CLICK_ID: clickId,
    DECISION_ID: facts.decisionId,
    PLACEMENT_ID: facts.placementId,
    CREATIVE_ID: facts.creativeId,
    LINE_ITEM_ID: facts.lineItemId,
    CAMPAIGN_ID: facts.campaignId,
    SITE_ID: facts.siteId,
    PUBLISHER_ID: facts.publisherId,
    CACHEBUSTER: String(randomInt(0, 2 ** 47)),
  };
}

/**
 * The landing URL with macros substituted, or undefined when the result is
 * not an absolute http(s) URL — a redirect never goes anywhere else.
 */
export function resolveLandingUrl(landingUrl: string, values: Record<ClickMacro, string>): string | undefined {
  const substituted = landingUrl.replace(MACRO, (whole, name: string) =>
    Object.hasOwn(values, name) ? encodeURIComponent(values[name as ClickMacro]) : whole,
  );
  let url: URL;
  try {
    url = new URL(substituted);
  } catch {
    return undefined;
  }
  return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
}
