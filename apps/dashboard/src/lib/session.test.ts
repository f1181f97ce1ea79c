import { afterEach, describe, expect, it, vi } from 'vitest';
import { accessLimit, can, loadSession, type Permission } from './session.js';

const ORG = { id: 'o', name: 'O', timezone: 'UTC' };

async function signedInAs(me: object) {
  vi.stubGlobal('fetch', async () => Response.json({ isPlatformAdmin: false, organization: ORG, ...me }));
  await loadSession();
}

const ALL: Permission[] = [
  'advertiserRead',
  'advertiserWrite',
  'advertiserCreate',
  'publisherRead',
  'publisherWrite',
  'publisherCreate',
  'segments',
  'segmentsWrite',
  'operationsRead',
  'operationsWrite',
  'manage',
  'reports',
  'liveStats',
];
const allowed = () => ALL.filter((permission) => can(permission));

afterEach(() => vi.unstubAllGlobals());

describe('what the dashboard offers a caller', () => {
  it('offers an unlimited advertiser its whole side, segments and live stats', async () => {
    await signedInAs({
      kind: 'user',
      role: 'advertiser',
      user: { id: 'u', email: 'a@x', name: null, advertiserIds: [], publisherIds: [] },
    });
    expect(accessLimit()).toBeNull();
    expect(allowed()).toEqual([
      'advertiserRead',
      'advertiserWrite',
      'advertiserCreate',
      'segments',
      'segmentsWrite',
      'reports',
      'liveStats',
    ]);
  });

  it('offers a user limited to some advertisers only what lies below them and reports (ADR 0017)', async () => {
    await signedInAs({
      kind: 'user',
      role: 'advertiser',
      user: { id: 'u', email: 'a@x', name: null, advertiserIds: ['a1'], publisherIds: [] },
    });
    expect(accessLimit()).toEqual({ side: 'advertiser', ids: ['a1'] });
    expect(allowed()).toEqual(['advertiserRead', 'advertiserWrite', 'reports']);
  });

  it('offers an analyst key limited to some publishers their inventory to read and reports, nothing of the advertisers', async () => {
    await signedInAs({ kind: 'api_key', role: 'analyst', apiKey: { id: 'k', name: 'k', advertiserIds: [], publisherIds: ['p1'] } });
    expect(accessLimit()).toEqual({ side: 'publisher', ids: ['p1'] });
    expect(allowed()).toEqual(['publisherRead', 'reports']);
  });
});
