/**
 * The things advertisers and publishers describe — advertisers, campaigns, line
 * items, creatives, publishers, sites, placements, segments, demand partners —
 * share one stored shape: relational keys that queries filter on (organization,
 * parent, scope, status, name) and a typed body with the rest (ADR 0007).
 */
export const RESOURCE_KINDS = [
  'advertiser',
  'campaign',
  'line_item',
  'creative',
  'publisher',
  'site',
  'placement',
  'segment',
  'demand_partner',
] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

export interface Resource<D> {
  id: string;
  organizationId: string;
  /** The direct parent: the advertiser of a campaign, the campaign of a line item, the site of a placement… */
  parentId: string | null;
  /** The advertiser or publisher the resource belongs to, at any depth (for filters and role scoping). */
  scopeId: string | null;
  name: string;
  status: string;
  /** Starts at 1; every update adds one. Change events carry it so consumers can drop stale ones. */
  version: number;
  data: D;
  createdAt: Date;
  updatedAt: Date;
}

/** Published after every committed change, so the delivery index can update without polling. */
export interface ChangeEvent {
  kind: ResourceKind;
  id: string;
  organizationId: string;
  version: number;
  op: 'created' | 'updated';
  at: Date;
}
