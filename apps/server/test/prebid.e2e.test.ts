import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@adplatform/config';
import { build } from 'esbuild';
import { type Browser, chromium, type Frame, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, serve } from '../src/serve.js';
import { type PartnerServer, startPartnerServer } from './openrtb-demand.helpers.js';

/**
 * The exchange as publishers use it: the real Prebid.js from npm (core + prebidServer module, bundled
 * here with esbuild) on a page of another origin, in headless Chromium, with its s2sConfig pointing at
 * the real server's /openrtb2/auction (embedded defaults, fresh data directory). One request, two ad
 * units, one auction: the publisher's direct-sold line item wins the top slot over an outside bid, an
 * outside demand partner (a real HTTP server on 127.0.0.1) wins the side slot. Both render through
 * pbjs.renderAd, and each win is counted where it is billed: our impression in the reports, the
 * partner's billing notice (burl, fired by Prebid.js on render) and win notice (nurl, fired by us) at the partner.
 */
const FIXTURES = fileURLToPath(new URL('./fixtures/prebid/', import.meta.url));
const ADMIN = { email: 'admin@prebid-e2e.example', password: 'prebid-e2e-password-1' };
const DIRECT_MARKUP = '<div id="direct-ad" style="font:16px sans-serif">Winter shoes, direct</div>';
/** An OpenRTB macro as a partner writes it, `${NAME}`. */
const macro = (name: string) => `\${${name}}`;
const PARTNER_MARKUP = `<div id="partner-ad" style="font:16px sans-serif">Partner ad for ${macro('AUCTION_IMP_ID')}</div>`;
const DAY_MS = 86_400_000;

interface Api {
  call(method: string, url: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
  create(url: string, body: unknown): Promise<{ id: string } & Record<string, unknown>>;
}

async function signIn(origin: string): Promise<Api> {
  const login = await fetch(`${origin}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  expect(login.status).toBe(200);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const call: Api['call'] = async (method, url, body) => {
    const response = await fetch(`${origin}${url}`, {
      method,
      headers: { cookie, 'x-csrf-token': csrfToken, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  return {
    call,
    async create(url, body) {
      const response = await call('POST', url, body);
      expect(response.status, `${url}: ${JSON.stringify(response.body)}`).toBe(201);
      return response.body as { id: string } & Record<string, unknown>;
    },
  };
}

/** The page's Prebid.js: the fixture entry bundled as a browser script (an IIFE) into a temporary directory. */
async function bundlePrebid(outdir: string): Promise<string> {
  const outfile = path.join(outdir, 'prebid.js');
  await build({
    entryPoints: [path.join(FIXTURES, 'entry.js')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    outfile,
    logLevel: 'silent',
  });
  return readFile(outfile, 'utf8');
}

/** The frame, at any depth, whose body holds `selector` (Prebid.js renders the creative in a frame of its own). */
async function frameWith(page: Page, selector: string): Promise<Frame | undefined> {
  for (const frame of page.frames()) {
    if (
      (await frame
        .locator(selector)
        .count()
        .catch(() => 0)) > 0
    )
      return frame;
  }
  return undefined;
}

describe('Prebid.js (npm) in headless Chromium against /openrtb2/auction', () => {
  let server: RunningServer;
  let partner: PartnerServer;
  let pageServer: Server;
  let browser: Browser;
  let dataDir = '';
  let bundleDir = '';
  let pageOrigin = '';
  let api: Api;
  const ids = { publisherId: '', topId: '', sideId: '', lineItemId: '', creativeId: '', partnerId: '' };

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'adp-prebid-'));
    bundleDir = await mkdtemp(path.join(tmpdir(), 'adp-prebid-bundle-'));
    const [prebidJs, pageTemplate] = await Promise.all([bundlePrebid(bundleDir), readFile(path.join(FIXTURES, 'page.html'), 'utf8')]);
    partner = await startPartnerServer();
    server = await serve(
      loadConfig({
        ADPLATFORM_DATA_DIR: dataDir,
        ADPLATFORM_PORT: '0',
        ADPLATFORM_HOST: '127.0.0.1',
        ADPLATFORM_LOG_LEVEL: 'silent',
        ADPLATFORM_ADMIN_EMAIL: ADMIN.email,
        ADPLATFORM_ADMIN_PASSWORD: ADMIN.password,
        // The demand partner is a local server: outbound calls to private addresses are allowed here only.
        ADPLATFORM_ALLOW_PRIVATE_OUTBOUND: 'true',
      }),
    );
    api = await signIn(server.url);

    const publisher = await api.create('/api/v1/publishers', { name: 'Daily News' });
    const site = await api.create('/api/v1/sites', { publisherId: publisher.id, type: 'site', name: 'Daily News', domain: 'news.example' });
    const placement = (name: string) =>
      api.create('/api/v1/placements', {
        siteId: site.id,
        name,
        formats: ['html'],
        sizes: [{ width: 300, height: 250 }],
        floorMicros: 500_000,
      });
    const [top, side] = [await placement('Top MPU'), await placement('Side MPU')];
    const advertiser = await api.create('/api/v1/advertisers', { name: 'Acme', currency: 'USD' });
    const now = Date.now();
    const campaign = await api.create('/api/v1/campaigns', {
      advertiserId: advertiser.id,
      name: 'Winter sale',
      startsAt: new Date(now - DAY_MS).toISOString(),
      endsAt: new Date(now + 30 * DAY_MS).toISOString(),
      totalBudgetMicros: 10_000_000,
    });
    const creative = await api.create('/api/v1/creatives', {
      advertiserId: advertiser.id,
      name: 'MPU',
      format: 'html',
      width: 300,
      height: 250,
      clickUrl: 'https://acme.example/shoes',
      html: DIRECT_MARKUP,
    });
    expect((await api.call('POST', `/api/v1/creatives/${creative.id}/approve`, {})).status).toBe(200);
    const lineItem = await api.create('/api/v1/line-items', {
      campaignId: campaign.id,
      name: 'Top MPU, price priority',
      // Price priority: it meets the outside bids on price (a standard or sponsorship item would win first).
      priority: 'price',
      pricing: { model: 'cpm', bidMicros: 2_500_000 },
      dailyBudgetMicros: 1_000_000,
      targeting: { placements: [top.id] },
    });
    expect((await api.call('POST', `/api/v1/line-items/${lineItem.id}/creatives`, { creativeId: creative.id, weight: 1 })).status).toBe(
      200,
    );
    for (const url of [`/api/v1/campaigns/${campaign.id}`, `/api/v1/line-items/${lineItem.id}`]) {
      expect((await api.call('PATCH', url, { status: 'active' })).status).toBe(200);
    }
    // The partner bids on both slots: 1.50 on the top (under the direct line item's 2.50), 2.50 on the side.
    partner.custom = (request) => ({
      status: 200,
      body: {
        id: request.id,
        cur: 'USD',
        seatbid: [
          {
            seat: 'dsp-seat',
            bid: request.imp.map((imp) => ({
              id: `bid-${imp.id}`,
              impid: imp.id,
              price: imp.id === 'top-mpu' ? 1.5 : 2.5,
              adm: PARTNER_MARKUP,
              crid: `cr-${imp.id}`,
              adomain: ['partner-advertiser.example'],
              w: 300,
              h: 250,
              nurl: `${partner.url}/win?imp=${imp.id}&p=\${AUCTION_PRICE}`,
              burl: `${partner.url}/bill?imp=${imp.id}&p=\${AUCTION_PRICE}`,
              lurl: `${partner.url}/loss?imp=${imp.id}&r=\${AUCTION_LOSS}`,
            })),
          },
        ],
      },
    });
    const demandPartner = await api.create('/api/v1/demand-partners', {
      name: 'Local DSP',
      endpointUrl: `${partner.url}/custom`,
      timeoutMs: 5000,
    });
    Object.assign(ids, {
      publisherId: publisher.id,
      topId: top.id,
      sideId: side.id,
      lineItemId: lineItem.id,
      creativeId: creative.id,
      partnerId: demandPartner.id,
    });
    await server.app.delivery.catalog.settle();
    await server.app.delivery.allowances.settle();

    // The publisher's page on another origin (localhost, not 127.0.0.1, another port), as Prebid.js is deployed.
    const testConfig = {
      accountId: publisher.id,
      bidder: 'adplatform',
      endpoint: `${server.url}/openrtb2/auction`,
      adUnits: [
        {
          code: 'top-mpu',
          mediaTypes: { banner: { sizes: [[300, 250]] } },
          bids: [{ bidder: 'adplatform', params: { placementId: top.id } }],
        },
        {
          // The other way to name the placement: the ad unit's first-party imp data, sent as imp.tagid.
          code: 'side-mpu',
          ortb2Imp: { tagid: side.id },
          mediaTypes: { banner: { sizes: [[300, 250]] } },
          bids: [{ bidder: 'adplatform' }],
        },
      ],
    };
    const html = pageTemplate.replace('__TEST_CONFIG__', JSON.stringify(testConfig).replaceAll('<', '\\u003c'));
    pageServer = createServer((req, res) => {
      if (req.url === '/prebid.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(prebidJs);
      else if ((req.url ?? '').split('?')[0] === '/') res.writeHead(200, { 'content-type': 'text/html' }).end(html);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => pageServer.listen(0, '127.0.0.1', resolve));
    pageOrigin = `http://localhost:${(pageServer.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    pageServer?.closeAllConnections();
    pageServer?.close();
    await server?.stop();
    await partner?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    if (bundleDir) await rm(bundleDir, { recursive: true, force: true });
  }, 60_000);

  type Outcome = { units: Record<string, { targeting: Record<string, string>; rendered: boolean }>; renderFailures?: string[] };

  /** Opens the publisher's page (with `query`), and returns Prebid.js's auction call and what the page did with it. */
  async function pageView(query = '') {
    const tab = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    const pageErrors: string[] = [];
    tab.on('pageerror', (error) => pageErrors.push(error.message));
    const auction = tab.waitForResponse((r) => r.url().startsWith(`${server.url}/openrtb2/auction`) && r.request().method() === 'POST', {
      timeout: 60_000,
    });
    auction.catch(() => undefined); // a failed navigation is the error to report, not this wait's
    await tab.goto(`${pageOrigin}/${query}`);
    const response = await auction;
    await tab.waitForFunction(() => (globalThis as unknown as { outcome: { status: string } }).outcome.status === 'done', undefined, {
      timeout: 60_000,
    });
    const outcome = (await tab.evaluate(() => (globalThis as unknown as { outcome: unknown }).outcome)) as Outcome;
    return { tab, response, outcome, pageErrors };
  }

  /** The creative's text once Prebid.js has rendered it (in a frame of its own, inside the page's iframe). */
  async function renderedText(tab: Page, selector: string): Promise<string | null | undefined> {
    await expect.poll(async () => (await frameWith(tab, selector)) !== undefined, { timeout: 30_000 }).toBe(true);
    return (await frameWith(tab, selector))?.locator(selector).textContent();
  }

  /** The line item's impressions in the reports (the analytics pipeline, fed from the event log). */
  async function impressions() {
    const now = Date.now();
    const report = await api.call('POST', '/api/v1/reports', {
      dimensions: ['lineItem'],
      metrics: ['impressions'],
      from: new Date(now - DAY_MS).toISOString().slice(0, 10),
      to: new Date(now + DAY_MS).toISOString().slice(0, 10),
    });
    return report.body.rows;
  }

  /** The notices the partner received (GETs: win, billing, loss), in order of path. */
  const notices = () =>
    partner.received
      .filter((r) => r.path !== '/custom')
      .map((r) => r.path)
      .sort();

  it('gets a direct-sold and an outside bid from one auction, renders both, and counts both wins', async () => {
    const { tab, response, outcome, pageErrors } = await pageView();

    // What Prebid.js sent and what the exchange answered.
    expect(response.url()).toBe(`${server.url}/openrtb2/auction`);
    expect(response.status()).toBe(200);
    expect(response.headers()['access-control-allow-origin']).toBe(pageOrigin);
    expect(response.headers()['access-control-allow-credentials']).toBe('true');
    const sent = response.request().postDataJSON() as {
      imp: { id: string; tagid?: string; ext: { prebid: { bidder?: Record<string, unknown> } } }[];
      site: { publisher: { id: string } };
    };
    expect(sent.site.publisher.id).toBe(ids.publisherId);
    expect(sent.imp.map((imp) => [imp.id, imp.tagid, imp.ext.prebid.bidder])).toEqual([
      ['top-mpu', undefined, { adplatform: { placementId: ids.topId } }],
      ['side-mpu', ids.sideId, undefined],
    ]);
    const answer = (await response.json()) as {
      seatbid: { seat: string; bid: { impid: string; price: number; burl?: string; ext: { prebid: Record<string, unknown> } }[] }[];
    };
    expect(answer.seatbid.map((s) => s.seat)).toEqual(['adplatform']);
    const bidOf = (impid: string) => answer.seatbid[0]!.bid.find((b) => b.impid === impid)!;
    // Second price: the top clears at the partner's 1.50 + 0.01; the side, alone over the floor, at 0.50 + 0.01.
    expect(bidOf('top-mpu')).toMatchObject({ price: 1.51, ext: { prebid: { type: 'banner', meta: { demandSource: 'direct' } } } });
    expect(bidOf('side-mpu')).toMatchObject({
      price: 0.51,
      burl: `${partner.url}/bill?imp=side-mpu&p=0.51`,
      ext: { prebid: { type: 'banner', meta: { demandSource: ids.partnerId } } },
    });
    expect(bidOf('top-mpu').ext.prebid.targeting).toMatchObject({ hb_pb: '1.50', hb_bidder: 'adplatform', hb_size: '300x250' });

    // The page: targeting came back, and renderAd drew each winner's markup.
    expect(outcome.units['top-mpu']).toMatchObject({
      rendered: true,
      targeting: { hb_bidder: 'adplatform', hb_pb: '1.50', hb_size: '300x250', hb_adid: expect.any(String) },
    });
    expect(outcome.units['side-mpu']).toMatchObject({
      rendered: true,
      targeting: { hb_bidder: 'adplatform', hb_pb: '0.50', hb_size: '300x250', hb_adid: expect.any(String) },
    });
    expect(outcome.renderFailures).toBeUndefined();
    expect(await renderedText(tab, '#direct-ad')).toBe('Winter shoes, direct');
    // The partner's markup came with the exchange's macros substituted.
    expect(await renderedText(tab, '#partner-ad')).toBe('Partner ad for side-mpu');
    expect(pageErrors).toEqual([]);

    // Counted: the direct impression (our pixel in the adm) in the reports; at the partner, the win notice (ours),
    // the billing notice (the page's, on render) and the loss notice of its top bid.
    await expect.poll(notices, { timeout: 60_000 }).toEqual(['/bill', '/loss', '/win']);
    await expect.poll(impressions, { timeout: 60_000, interval: 500 }).toEqual([{ lineItem: ids.lineItemId, impressions: 1 }]);
    expect(partner.hits('/custom')).toBe(1);
    await tab.close();
  }, 120_000);

  it('takes the gzip-compressed request of s2sConfig.endpointCompression (?gzip=1) and renders its winners', async () => {
    // Counted on top of any earlier page view's.
    const before = {
      impressions: ((await impressions()) as { impressions: number }[] | undefined)?.[0]?.impressions ?? 0,
      notices: notices(),
    };
    const { tab, response, outcome, pageErrors } = await pageView('?gzip=1');
    expect(response.url()).toBe(`${server.url}/openrtb2/auction?gzip=1`);
    // Really compressed: the body starts with gzip's magic bytes.
    expect([...(response.request().postDataBuffer() ?? Buffer.alloc(0)).subarray(0, 2)]).toEqual([0x1f, 0x8b]);
    expect(response.status()).toBe(200);
    expect(outcome.units['top-mpu']).toMatchObject({ rendered: true, targeting: { hb_bidder: 'adplatform', hb_pb: '1.50' } });
    expect(outcome.units['side-mpu']).toMatchObject({ rendered: true, targeting: { hb_bidder: 'adplatform', hb_pb: '0.50' } });
    expect(await renderedText(tab, '#direct-ad')).toBe('Winter shoes, direct');
    expect(await renderedText(tab, '#partner-ad')).toBe('Partner ad for side-mpu');
    expect(pageErrors).toEqual([]);
    await expect
      .poll(impressions, { timeout: 60_000, interval: 500 })
      .toEqual([{ lineItem: ids.lineItemId, impressions: before.impressions + 1 }]);
    await expect.poll(notices, { timeout: 60_000 }).toEqual([...before.notices, '/bill', '/loss', '/win'].sort());
    await tab.close();
  }, 120_000);
});
