import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PLACEMENTS } from '../src/demo/demo-plan.js';
import { buildCli, CLI_TEST_TIMEOUT_MS, startCli, stopAllCli } from './cli-server.helpers.js';

/**
 * `npm run demo` as a newcomer runs it: the real CLI with `serve --demo` on a
 * free port and a fresh data directory, signed in with initial-admin.json.
 */
// Each test starts the CLI, and the first one twice.
const SLOW = 2 * CLI_TEST_TIMEOUT_MS;
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';

const cleanups: (() => Promise<unknown>)[] = [];
beforeAll(buildCli, CLI_TEST_TIMEOUT_MS);
afterAll(async () => {
  await stopAllCli();
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function freshDataDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'adp-demo-e2e-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const start = (args: string[], env: Record<string, string>) => startCli({ args, env });

/** Signs in with the credentials the server wrote, as the README tells a newcomer to. */
async function signIn(url: string, dataDir: string): Promise<Record<string, string>> {
  const credentials = await readFile(path.join(dataDir, 'initial-admin.json'), 'utf8');
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: credentials,
  });
  expect(login.status).toBe(200);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  return { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' };
}

async function items(url: string, headers: Record<string, string>, resource: string): Promise<{ id: string; name: string }[]> {
  const response = await fetch(`${url}/api/v1/${resource}?limit=100`, { headers });
  expect(response.status).toBe(200);
  return ((await response.json()) as { items: { id: string; name: string }[] }).items;
}

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

describe('adplatform serve --demo', () => {
  it('starts with the demo data, serves demo ads, simulates traffic into reports, and a restart creates nothing twice', {
    timeout: SLOW,
  }, async () => {
    const dataDir = await freshDataDir();
    const env = { ADPLATFORM_DATA_DIR: dataDir, ADPLATFORM_DEMO_REQUESTS_PER_SECOND: '20' };
    const server = await start(['--demo'], env);
    expect(server.output()).toContain('demo data created');
    expect(server.output()).toContain(`demo mode: open ${server.url}`);
    expect(server.output()).toContain(path.join(dataDir, 'initial-admin.json'));
    const admin = JSON.parse(await readFile(path.join(dataDir, 'initial-admin.json'), 'utf8'));
    expect(server.output()).not.toContain(admin.password);

    const headers = await signIn(server.url, dataDir);
    expect((await items(server.url, headers, 'advertisers')).map((a) => a.name).sort()).toEqual([
      'Demo Acme Outdoor',
      'Demo Brightside Bank',
      'Demo Northwind Travel',
    ]);
    const placements = await items(server.url, headers, 'placements');
    expect(placements.map((p) => p.name).sort()).toEqual(
      Object.values(DEMO_PLACEMENTS)
        .map((p) => p.name)
        .sort(),
    );
    for (const placement of placements) {
      const userAgent = placement.name.includes('Mobile') ? IPHONE : CHROME;
      const ad = await eventually(`an ad in ${placement.name}`, async () => {
        const response = await fetch(`${server.url}/v1/decisions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ placements: [{ divName: 'slot', placementId: placement.id }], ip: '8.8.8.8', userAgent }),
        });
        const body = (await response.json()) as { decisions: { slot: { impressionUrl?: string }[] | null } };
        return body.decisions.slot?.[0]?.impressionUrl ? body.decisions.slot[0] : undefined;
      });
      expect(ad.impressionUrl).toContain(`${server.url}/t/imp?t=`);
    }

    // The simulator's impressions and clicks reach the reports through the event log and analytics.
    const today = new Date().toISOString().slice(0, 10);
    const totals = await eventually('simulated impressions and clicks in the reports', async () => {
      const response = await fetch(`${server.url}/api/v1/reports`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ dimensions: [], metrics: ['impressions', 'clicks'], from: today, to: today }),
      });
      const { totals } = (await response.json()) as { totals: { impressions: number; clicks: number } };
      return totals.impressions > 0 && totals.clicks > 0 ? totals : undefined;
    });
    expect(totals.impressions).toBeGreaterThan(totals.clicks);
    expect(await server.stop()).toBe(0);

    const again = await start(['--demo'], env);
    expect(again.output()).toContain('demo data already there');
    expect(await items(again.url, await signIn(again.url, dataDir), 'campaigns')).toHaveLength(6);
    expect(await again.stop()).toBe(0);
  });

  it('creates no demo data and sends no traffic without --demo', { timeout: SLOW }, async () => {
    const dataDir = await freshDataDir();
    const server = await start([], { ADPLATFORM_DATA_DIR: dataDir });
    const headers = await signIn(server.url, dataDir);
    for (const resource of ['advertisers', 'campaigns', 'publishers', 'placements', 'segments', 'demand-partners']) {
      expect(await items(server.url, headers, resource), resource).toEqual([]);
    }
    expect(server.output()).not.toMatch(/demo (mode|data|traffic)/);
    expect(await server.stop()).toBe(0);
  });
});
