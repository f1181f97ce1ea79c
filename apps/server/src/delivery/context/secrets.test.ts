import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadOrCreateSecret, loadUserKeySalt } from './secrets.js';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'adp-secrets-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('loadOrCreateSecret', () => {
  it('creates a random hex secret readable only by its owner, and returns the same one afterwards', async () => {
    const secret = await loadOrCreateSecret(dataDir, 'user-key.salt', 32);
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    const file = path.join(dataDir, 'secrets', 'user-key.salt');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(path.join(dataDir, 'secrets'))).mode & 0o777).toBe(0o700);
    expect((await readFile(file, 'utf8')).trim()).toBe(secret);
    expect(await loadOrCreateSecret(dataDir, 'user-key.salt', 32)).toBe(secret);
    expect(await loadOrCreateSecret(dataDir, 'other.key', 32)).not.toBe(secret);
  });

  it('gives every one of many concurrent starts the same secret and leaves no draft behind', async () => {
    const secrets = await Promise.all(Array.from({ length: 20 }, () => loadOrCreateSecret(dataDir, 'race.key', 32)));
    expect(new Set(secrets).size).toBe(1);
    const { readdir } = await import('node:fs/promises');
    expect(await readdir(path.join(dataDir, 'secrets'))).toEqual(['race.key']);
  });

  it('keeps an operator-written secret as it is, and refuses an empty file rather than replacing it', async () => {
    await mkdir(path.join(dataDir, 'secrets'), { recursive: true });
    await writeFile(path.join(dataDir, 'secrets', 'mine.key'), '  pasted-from-another-node \n');
    expect(await loadOrCreateSecret(dataDir, 'mine.key', 32)).toBe('pasted-from-another-node');
    await writeFile(path.join(dataDir, 'secrets', 'empty.key'), '\n');
    await expect(loadOrCreateSecret(dataDir, 'empty.key', 32)).rejects.toThrow(/empty/);
  });

  it('refuses a name that could leave the secrets directory, and too few bytes', async () => {
    await expect(loadOrCreateSecret(dataDir, '../escape', 32)).rejects.toThrow(/invalid secret name/);
    await expect(loadOrCreateSecret(dataDir, 'short.key', 8)).rejects.toThrow(/16/);
  });
});

describe('loadUserKeySalt', () => {
  it('prefers the configured salt and otherwise keeps one in the data directory', async () => {
    expect(await loadUserKeySalt({ configured: 'configured-salt-123456', dataDir })).toBe('configured-salt-123456');
    const generated = await loadUserKeySalt({ dataDir });
    expect(generated).toBe((await readFile(path.join(dataDir, 'secrets', 'user-key.salt'), 'utf8')).trim());
  });
});
