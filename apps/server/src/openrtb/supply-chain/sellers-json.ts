import type { MetadataStore } from '@adplatform/ports';
import type { PublisherData } from '../../modules/publishers/publishers.schemas.js';

/**
 * sellers.json (IAB Tech Lab Sellers.json 1.0) for the platform: one seller per
 * publisher of every organization (archived ones left out), `seller_id` = the
 * publisher id (the `sid` of our schain node and the account id of the ads.txt
 * lines), its name, business domain and seller type (PUBLISHER when unset).
 * The spec wants every seller listed; a publisher without a domain is listed
 * without one (set it in the management API).
 */
export interface SellersJsonOperator {
  contactEmail?: string | undefined;
  contactAddress?: string | undefined;
}

export interface SellerEntry {
  seller_id: string;
  seller_type: 'PUBLISHER' | 'INTERMEDIARY' | 'BOTH';
  name: string;
  domain?: string;
}

export interface SellersJson {
  contact_email?: string;
  contact_address?: string;
  version: '1.0';
  sellers: SellerEntry[];
}

export interface PublisherRow {
  id: string;
  name: string;
  status: string;
  data: Pick<PublisherData, 'sellerType' | 'domain'>;
}

/** Pure: the document for these publishers, sorted by seller id so it is stable. */
export function buildSellersJson(publishers: readonly PublisherRow[], operator: SellersJsonOperator): SellersJson {
  const sellers = publishers
    .filter((p) => p.status !== 'archived')
    .map(
      (p): SellerEntry => ({
        seller_id: p.id,
        seller_type: p.data.sellerType ?? 'PUBLISHER',
        name: p.name,
        ...(p.data.domain ? { domain: p.data.domain } : {}),
      }),
    )
    .sort((a, b) => (a.seller_id < b.seller_id ? -1 : a.seller_id > b.seller_id ? 1 : 0));
  return {
    ...(operator.contactEmail ? { contact_email: operator.contactEmail } : {}),
    ...(operator.contactAddress ? { contact_address: operator.contactAddress } : {}),
    version: '1.0',
    sellers,
  };
}

export interface SellersJsonSourceOptions {
  store: MetadataStore;
  operator: SellersJsonOperator;
  /** How long a built document is served before it is rebuilt. Default 5 min. */
  ttlMs?: number;
  now?: () => number;
}

/**
 * The served document, rebuilt at most once per `ttlMs` (a public route must
 * not let anyone make the platform walk every organization per request);
 * concurrent requests during a rebuild share it.
 */
export function createSellersJsonSource(options: SellersJsonSourceOptions): { get(): Promise<string> } {
  const ttlMs = options.ttlMs ?? 300_000;
  const now = options.now ?? Date.now;
  let cached: { body: string; builtAtMs: number } | undefined;
  let building: Promise<string> | undefined;
  const build = async (): Promise<string> => {
    const rows = await listAllPublishers(options.store);
    const body = JSON.stringify(buildSellersJson(rows, options.operator));
    cached = { body, builtAtMs: now() };
    return body;
  };
  return {
    get() {
      if (cached && now() - cached.builtAtMs < ttlMs) return Promise.resolve(cached.body);
      building ??= build().finally(() => {
        building = undefined;
      });
      return building;
    },
  };
}

/** Every organization's non-archived publishers, each query scoped to its organization. */
async function listAllPublishers(store: MetadataStore): Promise<PublisherRow[]> {
  const rows: PublisherRow[] = [];
  let orgCursor: string | undefined;
  do {
    const orgs = await store.organizations.list({ limit: 100, cursor: orgCursor });
    for (const org of orgs.items) {
      let cursor: string | undefined;
      do {
        const page = await store.resources.publisher.list(
          org.id,
          { status: ['active', 'paused'] },
          { limit: 500, ...(cursor ? { cursor } : {}), sort: 'id', order: 'asc' },
        );
        for (const r of page.items) rows.push({ id: r.id, name: r.name, status: r.status, data: r.data as PublisherData });
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
    }
    orgCursor = orgs.nextCursor ?? undefined;
  } while (orgCursor);
  return rows;
}
