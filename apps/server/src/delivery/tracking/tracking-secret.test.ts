import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadOrCreateSecret } from './tracking-secret.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'adp-secret-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('loadOrCreateSecret', () => {
  it('creates a private random secret once and reads it back after', async () => {
    const first = await loadOrCreateSecret(dir, 'tracking.key', 32);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect((await stat(path.join(dir, 'secrets', 'tracking.key'))).mode & 0o777).toBe(0o600);
    expect((await stat(path.join(dir, 'secrets'))).mode & 0o777).toBe(0o700);
    expect(await loadOrCreateSecret(dir, 'tracking.key', 32)).toBe(first);
    expect(await loadOrCreateSecret(dir, 'other.key', 32)).not.toBe(first);
  });

  it('gives every concurrent caller the same secret, and leaves no draft behind', async () => {
    const secrets = await Promise.all(Array.from({ length: 20 }, () => loadOrCreateSecret(dir, 'tracking.key', 32)));
    expect(new Set(secrets).size).toBe(1);
    expect((await readFile(path.join(dir, 'secrets', 'tracking.key'), 'utf8')).trim()).toBe(secrets[0]);
    const { readdir } = await import('node:fs/promises');
    expect(await readdir(path.join(dir, 'secrets'))).toEqual(['tracking.key']);
  });
});
