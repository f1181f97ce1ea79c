import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, startCli, stopAllCli } from './cli-server.helpers.js';

/**
 * Issue 7's accessibility bar on the main dashboard pages, in headless Chromium against the real
 * CLI server: WCAG 2.x contrast (computed here from the relative-luminance formula), an accessible
 * name on every input, Tab reaching the navigation with a visible focus indicator, and no
 * horizontal scroll at 360 px.
 */

let url = '';
let dataDir = '';
let browser: Browser | undefined;

beforeAll(async () => {
  buildCli();
  dataDir = await mkdtemp(path.join(tmpdir(), 'adp-dashboard-a11y-'));
  url = (await startCli({ env: { ADPLATFORM_DATA_DIR: dataDir } })).url;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await stopAllCli();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/**
 * Runs in the page (a string, so the server's tsconfig needs no DOM types). For every visible element
 * with its own text: the text colour against the first non-transparent background up the tree, its
 * WCAG contrast ratio, and the threshold (3 for large text: ≥ 24 px, or ≥ 18.66 px bold; else 4.5).
 */
const CONTRAST_SCRIPT = `(() => {
  const parse = (css) => {
    const m = /rgba?\\(([^)]+)\\)/.exec(css);
    if (!m) return null;
    const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  };
  const channel = (c) => { const s = c / 255; return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; };
  const luminance = (c) => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
  const over = (top, bottom) => ({
    r: top.r * top.a + bottom.r * (1 - top.a),
    g: top.g * top.a + bottom.g * (1 - top.a),
    b: top.b * top.a + bottom.b * (1 - top.a),
    a: 1,
  });
  const background = (el) => {
    for (let node = el; node; node = node.parentElement) {
      const bg = parse(getComputedStyle(node).backgroundColor);
      if (bg && bg.a > 0) return bg.a < 1 ? over(bg, { r: 255, g: 255, b: 255, a: 1 }) : bg;
    }
    return { r: 255, g: 255, b: 255, a: 1 };
  };
  const describe = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    if (typeof el.className === 'string' && el.className.trim()) s += '.' + el.className.trim().split(/\\s+/).join('.');
    const parent = el.parentElement;
    return parent && parent !== document.body ? describe(parent).split(' > ').slice(-2).join(' > ') + ' > ' + s : s;
  };
  const hex = (c) => '#' + [c.r, c.g, c.b].map((v) => Math.round(v).toString(16).padStart(2, '0')).join('');
  const offenders = [];
  let checked = 0;
  for (const el of document.body.querySelectorAll('*')) {
    if (['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'OPTION'].includes(el.tagName)) continue;
    const text = [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join('').trim();
    if (!text) continue;
    const style = getComputedStyle(el);
    const rect = el.getBoundingClientRect();
    if (style.visibility !== 'visible' || Number(style.opacity) === 0 || rect.width === 0 || rect.height === 0) continue;
    if (el.closest('[aria-hidden="true"], [hidden], .sr-only')) continue;
    const bg = background(el);
    const fg0 = parse(style.color);
    if (!fg0) continue;
    const fg = fg0.a < 1 ? over(fg0, bg) : fg0;
    const l1 = luminance(fg), l2 = luminance(bg);
    const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    const min = large ? 3 : 4.5;
    checked++;
    if (ratio + 1e-9 < min) offenders.push(describe(el) + ' "' + text.slice(0, 30) + '" ' + hex(fg) + ' on ' + hex(bg) + ' = ' + ratio.toFixed(2) + ' < ' + min);
  }
  return { checked, offenders };
})()`;

/** Visible inputs, selects and textareas without an accessible name (label, aria-label, aria-labelledby). */
const UNLABELLED_SCRIPT = `(() => [...document.querySelectorAll('input, select, textarea')]
  .filter((el) => el.type !== 'hidden' && el.getClientRects().length > 0 && getComputedStyle(el).visibility === 'visible')
  .filter((el) => {
    const aria = (el.getAttribute('aria-label') || '').trim();
    const by = (el.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean)
      .map((id) => (document.getElementById(id)?.textContent || '').trim()).join('');
    const labels = [...(el.labels || [])].map((l) => l.textContent.trim()).join('');
    return !aria && !by && !labels;
  })
  .map((el) => el.outerHTML.slice(0, 120)))()`;

async function checkPage(page: Page, name: string, problems: string[]): Promise<void> {
  const contrast = (await page.evaluate(CONTRAST_SCRIPT)) as { checked: number; offenders: string[] };
  if (contrast.checked === 0) problems.push(`${name}: no text checked for contrast`);
  for (const offender of contrast.offenders) problems.push(`${name}: contrast ${offender}`);
  for (const input of (await page.evaluate(UNLABELLED_SCRIPT)) as string[]) problems.push(`${name}: no accessible name: ${input}`);
}

async function noHorizontalScroll(page: Page): Promise<number> {
  return (await page.evaluate('document.scrollingElement.scrollWidth')) as number;
}

describe('dashboard accessibility (headless Chromium)', () => {
  it('meets contrast AA, labels every input, shows focus on Tab and fits 360 px on the main pages', async () => {
    const admin = JSON.parse(await readFile(path.join(dataDir, 'initial-admin.json'), 'utf8')) as { email: string; password: string };
    const context = await browser!.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    const problems: string[] = [];

    await page.goto(`${url}/sign-in`);
    await page.getByLabel('E-mail').waitFor();
    await checkPage(page, 'sign-in', problems);
    await page.getByLabel('E-mail').fill(admin.email);
    await page.getByLabel('Password').fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${url}/`);
    await page.getByRole('heading', { name: 'Today' }).waitFor();
    await checkPage(page, 'overview', problems);

    // Keyboard: Tab from the top reaches a navigation link, and focus is visibly drawn.
    await page.goto(`${url}/advertisers`);
    await page.getByText('No advertisers yet.').waitFor();
    const unfocused = (await page.evaluate(`(() => {
      const s = getComputedStyle(document.querySelector('#nav a'));
      return s.outlineStyle + ' ' + s.outlineWidth + ' ' + s.outlineColor + ' | ' + s.boxShadow;
    })()`)) as string;
    let reached = '';
    for (let i = 0; i < 30 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = (await page.evaluate(`(() => {
        const el = document.activeElement;
        if (!el || !el.closest('#nav') || el.tagName !== 'A') return '';
        const s = getComputedStyle(el);
        return s.outlineStyle + ' ' + s.outlineWidth + ' ' + s.outlineColor + ' | ' + s.boxShadow;
      })()`)) as string;
    }
    expect(reached, 'Tab from the top never reached a navigation link').not.toBe('');
    expect(reached, 'the focused navigation link looks the same as an unfocused one').not.toBe(unfocused);
    expect(reached).not.toMatch(/^none /);

    await checkPage(page, 'advertisers', problems);
    await page.getByRole('button', { name: 'New advertiser' }).first().click();
    const advertiserForm = page.getByRole('form', { name: 'New advertiser' });
    await advertiserForm.getByLabel('Name').fill('Acme Shoes');
    await advertiserForm.getByLabel('Currency').fill('USD');
    await advertiserForm.getByRole('button', { name: 'Create advertiser' }).click();
    await page.getByRole('heading', { name: 'Acme Shoes' }).waitFor();
    const advertiserUrl = page.url();
    await page.getByRole('button', { name: 'New campaign' }).first().click();
    await page.getByRole('form', { name: 'New campaign' }).waitFor();
    await checkPage(page, 'campaign form', problems);

    await page.goto(`${url}/reports`);
    await page.getByRole('button', { name: 'Run report' }).waitFor();
    await checkPage(page, 'reports', problems);
    await page.goto(`${url}/health`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    await page.waitForTimeout(500);
    await checkPage(page, 'health', problems);

    expect(problems, problems.join('\n')).toEqual([]);

    // 360 px: no horizontal scroll on any of them.
    await page.setViewportSize({ width: 360, height: 740 });
    const widths: Record<string, number> = {};
    for (const [name, target] of [
      ['overview', '/'],
      ['advertisers', '/advertisers'],
      ['advertiser', advertiserUrl.slice(url.length)],
      ['reports', '/reports'],
      ['health', '/health'],
    ] as const) {
      await page.goto(`${url}${target}`);
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      await page.waitForTimeout(300);
      widths[name] = await noHorizontalScroll(page);
    }
    await page.goto(advertiserUrl);
    await page.getByRole('button', { name: 'New campaign' }).first().click();
    await page.getByRole('form', { name: 'New campaign' }).waitFor();
    widths['campaign form'] = await noHorizontalScroll(page);
    await context.clearCookies();
    await page.goto(`${url}/sign-in`);
    await page.getByLabel('E-mail').waitFor();
    widths['sign-in'] = await noHorizontalScroll(page);
    const tooWide = Object.entries(widths).filter(([, width]) => width > 361);
    expect(tooWide, `scroll widths at 360 px: ${JSON.stringify(widths)}`).toEqual([]);

    await context.close();
  }, 240_000);
});
