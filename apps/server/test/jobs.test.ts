import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startBackgroundJobs } from '../src/jobs.js';
import { createHarness, type Harness, login, OPERATOR, type Session } from './harness.js';

let h: Harness;
let owner: Session;
beforeAll(async () => {
  h = await createHarness();
  owner = await login(h.app, OPERATOR.email, OPERATOR.password);
});
afterAll(() => h.close());
afterEach(() => {
  vi.useRealTimers();
});

describe('background jobs', () => {
  it('complete a campaign within a minute of its end date', async () => {
    const post = async (url: string, payload: object) =>
      (await h.app.inject({ method: 'POST', url, headers: owner.headers, payload })).json();
    const advertiser = await post('/api/v1/advertisers', { name: 'Ending', currency: 'USD' });
    const campaign = await post('/api/v1/campaigns', {
      advertiserId: advertiser.id,
      name: 'Short flight',
      startsAt: '2026-11-27T10:00:00.000Z',
      endsAt: '2026-11-27T12:30:00.000Z',
    });
    const url = `/api/v1/campaigns/${campaign.id}`;
    const activated = await h.app.inject({ method: 'PATCH', url, headers: owner.headers, payload: { status: 'active' } });
    expect(activated.json().status).toBe('active');

    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const jobs = startBackgroundJobs(h.deps, { warn: () => undefined, info: () => undefined });
    const status = async () => (await h.app.inject({ method: 'GET', url, headers: owner.headers })).json().status;
    try {
      vi.advanceTimersByTime(60_000); // a run before the end date leaves it alone
      await jobs.idle();
      expect(await status()).toBe('active');
      h.clock.advance(31 * 60_000);
      vi.advanceTimersByTime(60_000);
      await jobs.idle();
      expect(await status()).toBe('completed');
      expect(h.events.filter((e) => e.id === campaign.id).at(-1)).toMatchObject({ op: 'updated' });
    } finally {
      jobs.stop();
    }
  });
});
