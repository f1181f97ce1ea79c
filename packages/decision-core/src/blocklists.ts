import type { DecisionRequest } from './decide-types.js';
import type { DeliveryLineItem } from './delivery-types.js';

/**
 * The request-level blocklists (OpenRTB `badv`, `bcat`) against our own line items, compiled at
 * index build time so that a request naming blocked values costs a few map lookups, and a request
 * naming none costs nothing (`requestBlocks` returns undefined and the hot path reads one field).
 */
export interface BlocklistIndex {
  /** Advertiser domain (lower case) → the positions of the line items that declare it. */
  readonly domainPositions: ReadonlyMap<string, readonly number[]>;
  /**
   * Category → the ids of the creatives that carry it. An IAB 1.0 subcategory is also filed under its
   * parent (`IAB7-1` under `IAB7`), so blocking `IAB7` blocks its subcategories, as exchanges do.
   */
  readonly categoryCreatives: ReadonlyMap<string, ReadonlySet<string>>;
}

const IAB_SUBCATEGORY = /^(IAB[0-9]{1,2})-[0-9]{1,2}$/;

/** The category and, for an IAB 1.0 subcategory, its parent. */
export function categoryKeys(category: string): string[] {
  const parent = IAB_SUBCATEGORY.exec(category)?.[1];
  return parent === undefined ? [category] : [category, parent];
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else if (list[list.length - 1] !== value) list.push(value);
}

/** From the line items in index order (their positions). */
export function compileBlocklists(items: readonly DeliveryLineItem[]): BlocklistIndex {
  const domainPositions = new Map<string, number[]>();
  const categoryCreatives = new Map<string, Set<string>>();
  for (let position = 0; position < items.length; position++) {
    const li = items[position]!;
    const domains = li.advertiserDomains;
    if (domains !== undefined) for (const domain of domains) push(domainPositions, domain.toLowerCase(), position);
    const creatives = li.creatives;
    if (creatives === undefined) continue;
    for (const creative of creatives) {
      if (creative.categories === undefined) continue;
      for (const category of creative.categories)
        for (const key of categoryKeys(category)) {
          let ids = categoryCreatives.get(key);
          if (ids === undefined) {
            ids = new Set();
            categoryCreatives.set(key, ids);
          }
          ids.add(creative.id);
        }
    }
  }
  return { domainPositions, categoryCreatives };
}

/** What one request blocks: line item positions (by advertiser domain) and creative ids (by category). */
export interface RequestBlocks {
  /** Positions of line items whose advertiser domain is blocked; undefined when none is. */
  readonly positions: ReadonlySet<number> | undefined;
  /** Ids of creatives with a blocked category; undefined when none has one. */
  readonly creatives: ReadonlySet<string> | undefined;
  /** The request's blocked domains (lower case) and categories, for explanations. */
  readonly domains: ReadonlySet<string>;
  readonly categories: ReadonlySet<string>;
}

/** Undefined when the request blocks nothing of ours (no lists, or no line item or creative matches them). */
export function requestBlocks(index: BlocklistIndex, request: DecisionRequest): RequestBlocks | undefined {
  const blockedDomains = request.blockedDomains;
  const blockedCategories = request.blockedCategories;
  if ((blockedDomains === undefined || blockedDomains.length === 0) && (blockedCategories === undefined || blockedCategories.length === 0))
    return undefined;
  const domains = new Set((blockedDomains ?? []).map((d) => d.toLowerCase()));
  const categories = new Set(blockedCategories ?? []);
  let positions: Set<number> | undefined;
  for (const domain of domains) {
    const found = index.domainPositions.get(domain);
    if (found === undefined) continue;
    positions ??= new Set();
    for (const position of found) positions.add(position);
  }
  let creatives: Set<string> | undefined;
  for (const category of categories) {
    const found = index.categoryCreatives.get(category);
    if (found === undefined) continue;
    creatives ??= new Set();
    for (const id of found) creatives.add(id);
  }
  if (positions === undefined && creatives === undefined) return undefined;
  return { positions, creatives, domains, categories };
}
