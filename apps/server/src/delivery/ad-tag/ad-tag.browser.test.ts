import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { renderAdMarkup } from '../render/ad-markup.js';
import { AD_PAGE_HEADERS, renderIframePage } from '../render/iframe-page.js';
import { adTagSource } from './ad-tag-source.js';
import { renderTestPage, type TestPageOptions } from './ad-tag-test-page.js';

/**
 * The tag in isolation, in headless Chromium. The page comes from one origin
 * and the tag from another (as on a real publisher site). The ad origin here
 * is a STUB decision endpoint answering fixed ads — the real
 * `/v1/decisions` route has its own end-to-end test in apps/server/test.
 */
interface Hit {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}
const IMAGE = '00000000-0000-4000-8000-00000000000a';
const HTML = '00000000-0000-4000-8000-00000000000b';
const NO_FILL = '00000000-0000-4000-8000-00000000000c';
const GIF = Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');
let hits: Hit[] = [];
let adOrigin = '';
let pageOrigin = '';
let pageOptions: Omit<TestPageOptions, 'scriptUrl'> = { placements: [] };
let browser: Browser;
const servers: Server[] = [];
/** Generous: the suite shares two cores with PGlite-heavy tests. */
const POLL = { timeout: 10_000 };

function stubAd(placementId: string, divName: string) {
  const urls = { clickUrl: `${adOrigin}/t/click?d=${divName}`, impressionUrl: `${adOrigin}/t/imp?d=${divName}`, assetBaseUrl: adOrigin };
  const html =
    placementId === IMAGE
      ? renderAdMarkup(
          {
            format: 'image',
            impressionTrackers: [],
            assets: {
              original: { url: '/assets/a.gif', contentType: 'image/gif', bytes: GIF.length, width: 300, height: 250 },
              webp: { url: '/assets/a.webp', contentType: 'image/webp', bytes: GIF.length, width: 300, height: 250 },
            },
          },
          urls,
        )
      : renderAdMarkup(
          {
            format: 'html',
            impressionTrackers: [],
            html: '<a id="go" href="{CLICK_URL}">Go</a><script>document.body.dataset.ran = "1"</script>',
          },
          urls,
        );
  return {
    ...urls,
    lineItemId: 'li',
    campaignId: 'c',
    creativeId: 'cr',
    format: 'html',
    width: 300,
    height: 250,
    html,
    viewableUrl: `${adOrigin}/t/view?d=${divName}`,
  };
}

function answerDecisions(body: string): unknown {
  const request = JSON.parse(body) as { placements: { divName: string; placementId: string }[] };
  const decisions: Record<string, unknown> = {};
  for (const slot of request.placements)
    decisions[slot.divName] = slot.placementId === NO_FILL ? null : [stubAd(slot.placementId, slot.divName)];
  return { decisions };
}

interface StubResponse {
  status: number;
  type?: string;
  headers?: Readonly<Record<string, string>>;
  body?: string | Buffer;
}

async function listen(handler: (req: IncomingMessage, body: string) => StubResponse) {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const out = handler(req, body);
      res.writeHead(out.status, { 'access-control-allow-origin': '*', ...(out.type ? { 'content-type': out.type } : {}), ...out.headers });
      res.end(out.body);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  adOrigin = await listen((req, body) => {
    const path = req.url ?? '';
    hits.push({ method: req.method ?? '', path, headers: req.headers, body });
    if (path === '/v1/ad.js') return { status: 200, type: 'application/javascript', body: adTagSource().body };
    if (req.method === 'POST' && path === '/v1/decisions')
      return { status: 200, type: 'application/json', body: JSON.stringify(answerDecisions(body)) };
    if (path.startsWith('/assets/')) return { status: 200, type: 'image/gif', body: GIF };
    if (path.startsWith('/v1/ad/')) {
      const ad = stubAd(IMAGE, 'iframe');
      return { status: 200, headers: AD_PAGE_HEADERS, body: renderIframePage(ad, { fallback: { type: 'none' }, format: 'image' }) };
    }
    return { status: 204 };
  });
  pageOrigin = await listen((req) =>
    req.url === '/iframe'
      ? { status: 200, type: 'text/html', body: `<iframe src="${adOrigin}/v1/ad/p1" width="300" height="250" style="border:0"></iframe>` }
      : { status: 200, type: 'text/html', body: renderTestPage({ ...pageOptions, scriptUrl: `${adOrigin}/v1/ad.js` }) },
  );
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
});

afterAll(async () => {
  await browser?.close();
  for (const server of servers) server.close();
});

beforeEach(() => {
  hits = [];
});

const decisionCalls = () => hits.filter((hit) => hit.path === '/v1/decisions');
const beacons = (kind: 'imp' | 'view') => hits.filter((hit) => hit.path.startsWith(`/t/${kind}`)).map((hit) => hit.path);

async function open(options: Omit<TestPageOptions, 'scriptUrl'>): Promise<Page> {
  pageOptions = options;
  const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
  await page.goto(`${pageOrigin}/`);
  return page;
}

describe('ad.js in Chromium (stub decision endpoint)', () => {
  it('batches every slot into one text/plain POST, renders sandboxed iframes and fires impression and viewable beacons', async () => {
    const page = await open({
      placements: [
        { divName: 'top', placementId: IMAGE, attributes: { 'data-keywords': 'sports, news', 'data-kv-section': 'home' } },
        { divName: 'side', placementId: HTML, attributes: { 'data-kv-tags': 'a,b' } },
      ],
    });
    await page.waitForSelector('#top iframe');
    await page.waitForSelector('#side iframe');
    expect(decisionCalls()).toHaveLength(1);
    expect(hits.some((hit) => hit.method === 'OPTIONS')).toBe(false);
    const call = decisionCalls()[0]!;
    expect(call.headers['content-type']).toBe('text/plain;charset=UTF-8');
    expect(call.headers.cookie).toBeUndefined();
    const sent = JSON.parse(call.body);
    expect(sent).toMatchObject({
      placements: [
        { divName: 'top', placementId: IMAGE },
        { divName: 'side', placementId: HTML },
      ],
      url: `${pageOrigin}/`,
      keywords: ['sports', 'news'],
      keyValues: { section: 'home', tags: ['a', 'b'] },
    });
    expect(sent.user.key).toMatch(/^[0-9a-f-]{36}$/);

    const frame = await page.$eval('#top iframe', (el) => ({
      sandbox: el.getAttribute('sandbox'),
      width: el.getAttribute('width'),
      height: el.getAttribute('height'),
      srcdoc: el.getAttribute('srcdoc') ?? '',
    }));
    expect(frame).toMatchObject({ sandbox: 'allow-scripts allow-popups allow-popups-to-escape-sandbox', width: '300', height: '250' });
    expect(frame.srcdoc).toContain(`<source srcset="${adOrigin}/assets/a.webp" type="image/webp">`);
    // The html creative's own script ran, in the iframe's opaque origin (not the page's).
    const inner = await (await page.$('#side iframe'))!.contentFrame();
    await expect.poll(() => inner!.evaluate('document.body.dataset.ran'), POLL).toBe('1');
    expect(await inner!.evaluate('window.origin')).toBe('null');
    expect(await inner!.$eval('#go', (a) => a.getAttribute('href'))).toBe(`${adOrigin}/t/click?d=side`);
    await expect.poll(() => beacons('imp').sort(), POLL).toEqual(['/t/imp?d=side', '/t/imp?d=top']);
    await expect.poll(() => beacons('view').sort(), POLL).toEqual(['/t/view?d=side', '/t/view?d=top']);
    expect(await page.$eval('#top', (el) => el.getAttribute('data-adp-state'))).toBe('filled');
    await page.close();
  });

  it('counts an ad below the fold as viewable only after it has been in view for a second', async () => {
    const page = await open({ spacerPx: 3000, placements: [{ divName: 'low', placementId: IMAGE }] });
    await expect.poll(() => beacons('imp'), POLL).toEqual(['/t/imp?d=low']);
    await page.waitForTimeout(1500);
    expect(beacons('view')).toEqual([]);
    await page.evaluate("document.getElementById('low').scrollIntoView()");
    const scrolledAt = Date.now();
    await expect.poll(() => beacons('view'), POLL).toEqual(['/t/view?d=low']);
    expect(Date.now() - scrolledAt).toBeGreaterThanOrEqual(950);
    await page.close();
  });

  it('keeps the first-party id across pages, and drops it when consent is denied', async () => {
    const first = await open({ placements: [{ divName: 'a', placementId: HTML }] });
    await first.waitForSelector('#a iframe');
    const key = JSON.parse(decisionCalls()[0]!.body).user.key;
    await first.reload();
    await first.waitForSelector('#a iframe');
    expect(JSON.parse(decisionCalls()[1]!.body).user.key).toBe(key);

    pageOptions = { placements: [{ divName: 'a', placementId: HTML }], inlineScript: 'window.adplatformConsent = false' };
    await first.reload();
    await first.waitForSelector('#a iframe');
    expect(JSON.parse(decisionCalls()[2]!.body).user).toBeUndefined();
    expect(await first.evaluate("localStorage.getItem('adp_uid')")).toBeNull();
    await first.close();
  });

  it('forwards a consent object, leaves unfilled slots empty and picks up slots added later', async () => {
    const page = await open({
      placements: [{ divName: 'none', placementId: NO_FILL }],
      inlineScript: "window.adplatformConsent = { gdpr: 1, tcString: 'CP-test' }",
    });
    await expect.poll(() => page.$eval('#none', (el) => el.getAttribute('data-adp-state')), POLL).toBe('empty');
    expect(await page.$$('#none iframe')).toHaveLength(0);
    expect(JSON.parse(decisionCalls()[0]!.body).consent).toEqual({ gdpr: 1, tcString: 'CP-test' });

    // A single-page app inserting two slots at once (page code, run in the browser).
    await page.evaluate(
      `for (const id of ['late1', 'late2']) { const div = document.createElement('div'); div.id = id; div.dataset.placement = '${HTML}'; document.body.appendChild(div); }`,
    );
    await page.waitForSelector('#late2 iframe');
    expect(decisionCalls()).toHaveLength(2);
    expect(JSON.parse(decisionCalls()[1]!.body).placements.map((p: { divName: string }) => p.divName)).toEqual(['late1', 'late2']);
    await page.close();
  });

  it('plain iframe invocation: the sandboxed page shows the ad and fires its impression and viewable URLs under its CSP', async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
    const blocked: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) blocked.push(message.text());
    });
    await page.goto(`${pageOrigin}/iframe`);
    await expect.poll(() => beacons('imp'), POLL).toEqual(['/t/imp?d=iframe']);
    await expect.poll(() => beacons('view'), POLL).toEqual(['/t/view?d=iframe']);
    const frame = await (await page.$('iframe'))!.contentFrame();
    expect(await frame!.evaluate('window.origin')).toBe('null');
    expect(await frame!.evaluate("document.querySelector('img').naturalWidth")).toBe(1);
    expect(blocked).toEqual([]);
    await page.close();
  });

  it('one odd slot does not fail the others: bad placement ids, duplicate ids and bad key-value names are handled in the page', async () => {
    const page = await open({
      placements: [
        { divName: 'dup', placementId: HTML, attributes: { 'data-kv-ok': 'x'.repeat(300), [`data-kv-${'k'.repeat(65)}`]: 'y' } },
        { divName: 'dup', placementId: HTML },
        { divName: 'broken', placementId: 'not-a-uuid' },
      ],
    });
    await expect.poll(() => page.$$eval('iframe', (frames) => frames.length), POLL).toBe(2);
    const sent = JSON.parse(decisionCalls()[0]!.body);
    expect(sent.placements).toEqual([
      { divName: 'dup', placementId: HTML },
      { divName: expect.stringMatching(/^adp-slot-\d+$/), placementId: HTML },
    ]);
    expect(sent.keyValues).toEqual({ ok: 'x'.repeat(256) });
    expect(await page.$eval('#broken', (el) => el.getAttribute('data-adp-state'))).toBe('error');
    await page.close();
  });
});
