// A metadata change reaching delivery, in process, for one organization with many active line items:
// an embedded PGlite store (the test harness's), the line items inserted straight through the store
// (cloned from one made through the API, targeting from the decide mix, CPM bids spread over 0.50–10.00), a DeliveryCatalog started
// on it (the full load), then edits through the management API (app.inject) and the time from
// sending each PATCH until `catalog.forPlacement(...)` serves the changed line item.
// Run: node --expose-gc --import tsx bench/src/catalog-rebuild.bench.ts [--line-items 100000] [--edits 5]
import { parseArgs } from 'node:util';
import type { Resource } from '@adplatform/domain';
import { DeliveryCatalog } from '../../apps/server/src/delivery/catalog/delivery-catalog.js';
import type { OrganizationSnapshot } from '../../apps/server/src/delivery/catalog/load-organization.js';
import { createHarness, type Harness, login, OPERATOR } from '../../apps/server/test/harness.js';
import { createLineItems } from './decide-mix.js';
import { fixed, machineFacts, markdownTable, median, printFacts } from './report.js';

const LINE_ITEMS_PER_CAMPAIGN = 500;
const FLIGHT = { startsAt: '2026-12-01T00:00:00Z', endsAt: '2027-01-01T00:00:00Z' };

type Call = (method: 'POST' | 'PATCH', url: string, payload: object) => Promise<{ id: string }>;

async function apiOf(h: Harness): Promise<Call> {
  const { headers } = await login(h.app, OPERATOR.email, OPERATOR.password);
  return async (method, url, payload) => {
    const response = await h.app.inject({ method, url, headers, payload });
    if (response.statusCode >= 300) throw new Error(`${method} ${url}: ${response.statusCode} ${response.body}`);
    return response.json() as { id: string };
  };
}

/** One whole deliverable chain through the API: the template the inserted line items are cloned from. */
async function templateChain(api: Call) {
  const advertiser = await api('POST', '/api/v1/advertisers', { name: 'Acme', currency: 'USD' });
  const campaign = await api('POST', '/api/v1/campaigns', { advertiserId: advertiser.id, name: 'Winter', ...FLIGHT });
  const publisher = await api('POST', '/api/v1/publishers', { name: 'News' });
  const site = await api('POST', '/api/v1/sites', { publisherId: publisher.id, type: 'site', name: 'News', domain: 'news.example' });
  const placement = await api('POST', '/api/v1/placements', {
    siteId: site.id,
    name: 'MPU',
    formats: ['html'],
    sizes: [{ width: 300, height: 250 }],
  });
  const creative = await api('POST', '/api/v1/creatives', {
    advertiserId: advertiser.id,
    name: 'MPU',
    format: 'html',
    width: 300,
    height: 250,
    clickUrl: 'https://acme.example/',
    html: '<div>ad</div>',
  });
  await api('POST', `/api/v1/creatives/${creative.id}/approve`, {});
  const lineItem = await api('POST', '/api/v1/line-items', {
    campaignId: campaign.id,
    name: 'MPU',
    pricing: { model: 'cpm', bidMicros: 2_500_000 },
    targeting: { placements: [placement.id] },
  });
  await api('POST', `/api/v1/line-items/${lineItem.id}/creatives`, { creativeId: creative.id, weight: 1 });
  for (const url of [`/api/v1/campaigns/${campaign.id}`, `/api/v1/line-items/${lineItem.id}`])
    await api('PATCH', url, { status: 'active' });
  return { campaignId: campaign.id, lineItemId: lineItem.id, placementId: placement.id };
}

/** Clones of the template's campaign and line item, straight through the store (no change events). */
async function insertLineItems(h: Harness, organizationId: string, template: { campaignId: string; lineItemId: string }, count: number) {
  const r = h.store.resources;
  const campaign = (await r.campaign.get(organizationId, template.campaignId))!;
  const lineItem = (await r.line_item.get(organizationId, template.lineItemId))! as Resource<{ targeting: object }>;
  const mix = createLineItems(count, 42);
  let campaignId = campaign.id;
  const createdAt = new Date();
  for (let i = 0; i < count; i++) {
    if (i % LINE_ITEMS_PER_CAMPAIGN === 0) {
      const clone = { id: crypto.randomUUID(), parentId: campaign.parentId, scopeId: campaign.scopeId, name: `c${i}`, status: 'active' };
      campaignId = (await r.campaign.create(organizationId, { ...clone, data: campaign.data, createdAt })).id;
    }
    const targeting = { ...mix[i]!.targeting, placements: undefined };
    await r.line_item.create(organizationId, {
      id: crypto.randomUUID(),
      parentId: campaignId,
      scopeId: lineItem.scopeId,
      name: `li${i}`,
      status: 'active',
      data: {
        ...lineItem.data,
        targeting: JSON.parse(JSON.stringify(targeting)),
        // Spread CPM bids, so that a bid edit moves the line item in rank order.
        pricing: { model: 'cpm', bidMicros: 500_000 + ((i * 7_919) % 9_500) * 1_000 },
      },
      createdAt,
    });
    if ((i + 1) % 10_000 === 0) console.error(`inserted ${i + 1} line items`);
  }
}

interface EditRow {
  edit: string;
  visibleMs: number;
  buildMs: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { 'line-items': { type: 'string', default: '100000' }, edits: { type: 'string', default: '5' } },
  });
  const count = Number(values['line-items']);
  const edits = Number(values.edits);
  printFacts(machineFacts(), { 'line items': String(count), edits: String(edits), store: 'PGlite (embedded), in process' });
  const h = await createHarness();
  try {
    const api = await apiOf(h);
    const organizationId = (await h.store.organizations.list({ limit: 1 })).items[0]!.id;
    const template = await templateChain(api);
    const insertStarted = performance.now();
    await insertLineItems(h, organizationId, template, count);
    console.error(`inserted in ${fixed((performance.now() - insertStarted) / 1000, 0)} s`);
    let swapped: ((snapshot: OrganizationSnapshot) => void) | undefined;
    const catalog = new DeliveryCatalog({ store: h.store, bus: h.deps.bus, clock: h.clock, onSwap: (snapshot) => swapped?.(snapshot) });
    const loadStarted = performance.now();
    await catalog.start();
    const loadMs = performance.now() - loadStarted;
    const loaded = catalog.forPlacement(template.placementId)!;
    const rows: EditRow[] = [];
    for (let run = 0; run < edits; run++) {
      for (const [edit, url, payload, isVisible] of editsOf(template, run)) {
        const visible = new Promise<OrganizationSnapshot>((resolve) => {
          swapped = (snapshot) => {
            if (isVisible(snapshot)) resolve(snapshot);
          };
        });
        const started = performance.now();
        await api('PATCH', url, payload);
        const snapshot = await visible;
        rows.push({ edit, visibleMs: performance.now() - started, buildMs: snapshot.buildMs });
      }
    }
    await catalog.close();
    console.log(
      `\nfull load at start: ${fixed(loadMs, 0)} ms for ${loaded.index.lineItems.length.toLocaleString('en-US')} deliverable line items (list + map + compile, build ${fixed(loaded.buildMs, 0)} ms)`,
    );
    const kinds = [...new Set(rows.map((r) => r.edit))];
    const header = ['edit (through the API)', 'PATCH → visible ms (median)', 'max', 'snapshot build ms (median)'];
    const cells = kinds.map((kind) => {
      const of = rows.filter((r) => r.edit === kind);
      return [
        kind,
        fixed(median(of.map((r) => r.visibleMs)), 0),
        fixed(Math.max(...of.map((r) => r.visibleMs)), 0),
        fixed(median(of.map((r) => r.buildMs)), 0),
      ];
    });
    console.log(`\n${markdownTable(header, cells)}`);
  } finally {
    await h.close();
  }
}

type Edit = [string, string, object, (snapshot: OrganizationSnapshot) => boolean];

function editsOf(template: { campaignId: string; lineItemId: string; placementId: string }, run: number): Edit[] {
  const item = (snapshot: OrganizationSnapshot) => {
    const position = snapshot.index.positionOf(template.lineItemId);
    return position === undefined ? undefined : snapshot.index.lineItems[position];
  };
  const bidMicros = 3_000_000 + run * 10_000;
  const keyword = `kw-${run}`;
  const country = ['US', 'FR', 'DE', 'GB', 'JP'][run % 5]!;
  return [
    [
      'line item: targeting',
      `/api/v1/line-items/${template.lineItemId}`,
      { targeting: { placements: [template.placementId], keywords: { any: [keyword] } } },
      (s) => item(s)?.targeting.keywords?.any?.[0] === keyword,
    ],
    [
      'line item: CPM bid',
      `/api/v1/line-items/${template.lineItemId}`,
      { pricing: { model: 'cpm', bidMicros } },
      (s) => item(s)?.pricing?.bidMicros === bidMicros,
    ],
    [
      'campaign: targeting',
      `/api/v1/campaigns/${template.campaignId}`,
      { targeting: { geo: { countries: [country] } } },
      (s) => item(s)?.campaignTargeting?.geo?.countries?.[0] === country,
    ],
  ];
}

await main();
