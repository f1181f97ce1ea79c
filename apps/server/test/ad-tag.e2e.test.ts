import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderTestPage } from '../src/delivery/ad-tag/index.js';
import { activeLineItem } from './delivery.helpers.js';
import { createHarness, type Harness, login, OPERATOR } from './harness.js';

/**
 * The whole path in a real browser: a publisher page on one origin loads
 * /v1/ad.js from the real server on another, the tag asks the real
 * /v1/decisions, renders the ad in a sandboxed iframe and fires the signed
 * impression and viewability URLs, which land in the event log.
 */
describe('ad tag end to end (headless Chromium)', () => {
  let h: Harness;
  let browser: Browser;
  let page: Server;
  let adOrigin = '';
  let pageOrigin = '';
  let ids: Awaited<ReturnType<typeof activeLineItem>>;

  beforeAll(async () => {
    h = await createHarness();
    const owner = await login(h.app, OPERATOR.email, OPERATOR.password);
    // The browser calls from 127.0.0.1 (no country) with a desktop user agent: target the placement only.
    ids = await activeLineItem(h, owner, {
      campaign: { startsAt: '2026-11-01T00:00:00Z', targeting: {} },
      lineItem: { targeting: {} },
    });
    await h.app.delivery.catalog.settle();
    await h.app.delivery.allowances.settle();
    await h.app.listen({ port: 0, host: '127.0.0.1' });
    adOrigin = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
    const html = renderTestPage({ scriptUrl: `${adOrigin}/v1/ad.js`, placements: [{ divName: 'top', placementId: ids.placementId }] });
    page = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html));
    await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
    pageOrigin = `http://localhost:${(page.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  });

  afterAll(async () => {
    await browser?.close();
    page?.close();
    await h?.close();
  });

  it('renders the ad from the real decision and records its impression and viewability', async () => {
    const tab = await browser.newPage({ viewport: { width: 1000, height: 700 } });
    await tab.goto(`${pageOrigin}/`);
    const frame = tab.locator('#top iframe');
    await frame.waitFor({ timeout: 15_000 });
    expect(await frame.getAttribute('sandbox')).toContain('allow-scripts');
    await expect
      .poll(async () => (await tab.frameLocator('#top iframe').locator('body').textContent())?.trim(), { timeout: 10_000 })
      .toBe('Winter shoes');
    const types = async () => (await h.deps.eventLog.read(0, 100)).events.map((e) => `${e.type}:${e.lineItemId}`);
    await expect
      .poll(types, { timeout: 10_000 })
      .toEqual([`request:${ids.lineItemId}`, `impression:${ids.lineItemId}`, `viewable:${ids.lineItemId}`]);
    await tab.close();
  }, 60_000);
});
