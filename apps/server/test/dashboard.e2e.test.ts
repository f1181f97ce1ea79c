import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPORT_DIMENSIONS, REPORT_METRICS } from '@adplatform/ports';
import { type Browser, chromium, type Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, repoRoot, startCli, stopAllCli } from './cli-server.helpers.js';

/**
 * The dashboard as a new user drives it: the real CLI on a free port with a
 * fresh data directory, Debian's Chromium, and only clicks and typing — sign
 * in, advertiser, campaign, line item with targeting, creative upload and
 * approval, placement, activation, the placement's live preview showing the
 * ad, and its impression in a report. Screenshots land in docs/screenshots/.
 */
const shots = path.join(repoRoot, 'docs/screenshots');
const DESKTOP_CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

let url = '';
let dataDir = '';
let browser: Browser | undefined;

beforeAll(async () => {
  buildCli();
  dataDir = await mkdtemp(path.join(tmpdir(), 'adp-dashboard-e2e-'));
  url = (await startCli({ env: { ADPLATFORM_DATA_DIR: dataDir } })).url;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  await mkdir(shots, { recursive: true });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await stopAllCli();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const shoot = (page: Page, name: string) => page.screenshot({ path: path.join(shots, `${name}.png`) });

describe('dashboard end to end (headless Chromium)', () => {
  it('takes a new user from sign-in to a served ad and its impression in a report, by clicking', async () => {
    const admin = JSON.parse(await readFile(path.join(dataDir, 'initial-admin.json'), 'utf8')) as { email: string; password: string };
    const context = await browser!.newContext({ viewport: { width: 1280, height: 860 }, userAgent: DESKTOP_CHROME });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));

    // Sign in: a signed-out visit lands on the sign-in page; the role is shown afterwards.
    await page.goto(`${url}/advertisers`);
    await page.getByLabel('E-mail').fill(admin.email);
    await page.getByLabel('Password').fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${url}/advertisers`);
    await page.getByText('No advertisers yet.').waitFor();
    expect(await page.locator('.topbar .badge.role').textContent()).toBe('owner');

    // Advertiser; a field error from the API appears next to its field.
    await page.getByRole('button', { name: 'New advertiser' }).first().click();
    const advertiserForm = page.getByRole('form', { name: 'New advertiser' });
    await advertiserForm.getByLabel('Currency').fill('usd1');
    await advertiserForm.getByRole('button', { name: 'Create advertiser' }).click();
    await advertiserForm.locator(`#${await advertiserForm.getByLabel('Name').getAttribute('id')}-error`).waitFor();
    await advertiserForm.getByLabel('Name').fill('Acme Shoes');
    await advertiserForm.getByLabel('Currency').fill('USD');
    await advertiserForm.getByRole('button', { name: 'Create advertiser' }).click();
    await page.getByRole('heading', { name: 'Acme Shoes' }).waitFor();
    // Its domains (OpenRTB adomain), typed in any case, saved in lower case.
    const domains = page.getByRole('textbox', { name: 'Domains' });
    await domains.fill('Acme-Shoes.Example');
    await domains.press('Enter');
    await page.getByRole('button', { name: 'Save domains' }).click();
    await page.getByRole('status').getByText('Saved.').waitFor();
    await page.reload();
    await page.getByRole('list', { name: 'Domains: chosen' }).getByText('acme-shoes.example').waitFor();

    // Campaign, activated.
    await page.getByRole('button', { name: 'New campaign' }).first().click();
    const campaignForm = page.getByRole('form', { name: 'New campaign' });
    await campaignForm.getByLabel('Name').fill('Winter sale');
    await campaignForm.getByLabel('Total budget (USD)').fill('1,000.50');
    await page.getByRole('button', { name: 'Create campaign' }).click();
    await page.getByRole('heading', { name: 'Winter sale' }).waitFor();
    await page.getByRole('button', { name: 'Activate' }).click();
    await page.locator('.page-header .badge', { hasText: 'active' }).waitFor();

    // Line item with a bid typed in dollars and targeting: desktop devices, never in France.
    await page.getByRole('button', { name: 'New line item' }).first().click();
    const lineItemForm = page.getByRole('form', { name: 'New line item' });
    await lineItemForm.getByLabel('Name').fill('Boots, desktop');
    await lineItemForm.getByLabel('Bid per 1,000 impressions (USD)').fill('2.5');
    await page.getByRole('button', { name: 'Create line item' }).click();
    await page.getByRole('heading', { name: 'Boots, desktop' }).waitFor();
    const lineItemUrl = page.url();
    await page.getByRole('checkbox', { name: 'desktop' }).first().check();
    await page.getByText('Exclusions (rule a visitor out').click();
    const excludedCountries = page.getByLabel('Countries').nth(1);
    await excludedCountries.fill('France');
    await excludedCountries.press('Enter');
    await page.getByRole('button', { name: 'Save targeting' }).click();
    await page.getByText('Targeting saved.').waitFor();
    await expect
      .poll(() => page.locator('.summary li').allTextContents(), { timeout: 10_000 })
      .toEqual(['On desktop devices', 'Except in France']);
    await page.getByRole('heading', { name: 'Boots, desktop' }).scrollIntoViewIfNeeded();
    await shoot(page, 'line-item');

    // A creative: upload with progress, preview at real size, approve.
    await page.getByRole('link', { name: 'upload one' }).click();
    await page.getByRole('button', { name: 'New creative' }).first().click();
    const png = await sharp({ create: { width: 300, height: 250, channels: 3, background: '#1d4ed8' } })
      .png()
      .toBuffer();
    await page.getByLabel('Image file').setInputFiles({ name: 'boots-300x250.png', mimeType: 'image/png', buffer: png });
    await page.getByText('300 × 250 pixels').waitFor();
    await page.getByLabel('Click-through URL').fill('https://acme.example/boots');
    await page.getByRole('button', { name: 'Create creative' }).click();
    await page.getByRole('heading', { name: 'boots-300x250' }).waitFor();
    const preview = page.locator('img.real-size');
    await expect
      .poll(
        () =>
          preview.evaluate((element) => {
            // No DOM types in the server's tsconfig: the image's intrinsic and rendered widths.
            const img = element as unknown as { naturalWidth: number; clientWidth: number };
            return `${img.naturalWidth}x${img.clientWidth}`;
          }),
        { timeout: 10_000 },
      )
      .toBe('300x300');
    // Its IAB content category (OpenRTB cat), before the review.
    const categories = page.getByRole('textbox', { name: 'Categories' });
    await categories.fill('iab8-5');
    await categories.press('Enter');
    await page.getByRole('button', { name: 'Save categories' }).click();
    await page.getByRole('status').getByText('Saved.').waitFor();
    await page.getByRole('list', { name: 'Categories: chosen' }).getByText('IAB8-5').waitFor();
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.locator('.page-header .badge', { hasText: 'approved' }).waitFor();
    await shoot(page, 'creative');

    // Attach it and activate the line item.
    await page.goto(lineItemUrl);
    await page.getByRole('combobox', { name: 'Attach a creative' }).selectOption({ index: 1 });
    await page.getByRole('button', { name: 'Attach', exact: true }).click();
    await page.getByRole('link', { name: 'boots-300x250' }).waitFor();
    await page.getByRole('button', { name: 'Activate' }).click();
    await page.locator('.page-header .badge', { hasText: 'active' }).waitFor();

    // Publisher → site → placement, with its ad tag.
    await page.getByRole('link', { name: 'Publishers' }).click();
    await page.getByRole('button', { name: 'New publisher' }).first().click();
    await page.getByRole('form', { name: 'New publisher' }).getByLabel('Name').fill('Daily News');
    await page.getByRole('button', { name: 'Create publisher' }).click();
    await page.getByRole('button', { name: 'New site or app' }).first().click();
    const siteForm = page.getByRole('form', { name: 'New site or app' });
    await siteForm.getByLabel('Name').fill('news.example');
    await siteForm.getByLabel('Domain').fill('news.example');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.getByRole('button', { name: 'New placement' }).first().click();
    await page.getByRole('form', { name: 'New placement' }).getByLabel('Name').fill('Sidebar');
    await page.getByRole('button', { name: 'Create placement' }).click();
    await page.getByRole('heading', { name: 'Sidebar' }).waitFor();
    const placementId = page.url().split('/').pop() ?? '';
    expect(await page.locator('pre.code code').first().textContent()).toContain(`data-placement="${placementId}"`);

    // A floor rule for visitors in France, which this one is not: saved, and still there after a reload.
    await page.getByRole('button', { name: 'Add a rule' }).click();
    const ruleCountries = page.getByLabel('Countries (any when empty)');
    await ruleCountries.fill('France');
    await ruleCountries.press('Enter');
    await page.getByLabel('Floor per 1,000 impressions (CPM)').fill('9');
    await page.getByRole('button', { name: 'Save floor rules' }).click();
    await page.getByRole('status').getByText('Saved.').waitFor();
    await page.reload();
    await page.getByRole('list', { name: 'Countries (any when empty): chosen' }).getByText('France (FR)').waitFor();

    // The live preview serves the ad (the delivery index catches up within a second or so).
    await page.getByRole('button', { name: 'Show preview' }).click();
    const frame = page.frameLocator('iframe.preview');
    await expect
      .poll(
        async () => {
          if ((await frame.locator('img').count()) > 0) return true;
          await page.getByRole('button', { name: 'Reload preview' }).click();
          await page.waitForTimeout(1000);
          return false;
        },
        { timeout: 30_000 },
      )
      .toBe(true);
    await shoot(page, 'placement');

    // The impression reaches the report. The form offers exactly the server's dimensions and metrics, read from /openapi.json.
    await page.getByRole('link', { name: 'Reports' }).click();
    const choices = (legend: string) => page.locator('fieldset', { has: page.locator('legend', { hasText: legend }) }).locator('label');
    await choices('Group by').first().waitFor();
    expect(await choices('Group by').allTextContents()).toEqual([...REPORT_DIMENSIONS]);
    expect(await choices('Metrics').allTextContents()).toEqual([...REPORT_METRICS]);
    await expect
      .poll(
        async () => {
          await page.getByRole('button', { name: 'Run report' }).click();
          await page.waitForTimeout(1000);
          const cells = await page.locator('table.table tfoot td').allTextContents();
          return Number(cells[1] ?? 0);
        },
        { timeout: 30_000 },
      )
      .toBeGreaterThanOrEqual(1);
    await shoot(page, 'reports');

    await page.getByRole('link', { name: 'Overview' }).click();
    await page.getByRole('heading', { name: 'Today' }).waitFor();
    await page.waitForTimeout(1500);
    await shoot(page, 'overview');

    // A lost session: signing in again over the page keeps what was typed.
    await page.getByRole('link', { name: 'Advertisers' }).click();
    await page.getByRole('button', { name: 'New advertiser' }).first().click();
    const again = page.getByRole('form', { name: 'New advertiser' });
    await again.getByLabel('Name').fill('Typed before the session ended');
    await context.clearCookies();
    await again.getByRole('button', { name: 'Create advertiser' }).click();
    const dialog = page.getByRole('dialog', { name: 'Your session has ended' });
    await dialog.getByLabel('Password').fill(admin.password);
    await dialog.getByRole('button', { name: 'Sign in' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await again.getByLabel('Name').inputValue()).toBe('Typed before the session ended');
    await again.getByRole('button', { name: 'Create advertiser' }).click();
    await page.getByRole('heading', { name: 'Typed before the session ended' }).waitFor();

    // Narrow screens: the menu folds away.
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto(`${url}/advertisers`);
    await page.getByRole('link', { name: 'Acme Shoes' }).waitFor();
    expect(await page.locator('#nav').isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Menu' }).click();
    expect(await page.locator('#nav').isVisible()).toBe(true);
    await shoot(page, 'advertisers-360px');

    expect(errors).toEqual([]);
    await context.close();
  }, 300_000);
});
