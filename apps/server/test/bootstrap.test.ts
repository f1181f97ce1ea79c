import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestPgliteStore } from '@adplatform/adapter-sql/testing';
import { createManualClock } from '@adplatform/domain';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_ADMIN_EMAIL, ensureOperator } from '../src/bootstrap.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('first start', () => {
  it('creates the operator with a generated password in a 0600 file, and logs the path but not the password', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'adp-boot-'));
    dirs.push(dataDir);
    const store = await createTestPgliteStore();
    const lines: string[] = [];
    const log = { info: (obj: object, msg?: string) => lines.push(JSON.stringify({ ...obj, msg })) };
    const result = await ensureOperator({
      store,
      clock: createManualClock(),
      dataDir,
      admin: { email: undefined, password: undefined },
      log,
    });
    const file = path.join(dataDir, 'initial-admin.json');
    expect(result).toMatchObject({ created: true, email: DEFAULT_ADMIN_EMAIL, file });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const written = JSON.parse(await readFile(file, 'utf8'));
    expect(written.email).toBe(DEFAULT_ADMIN_EMAIL);
    expect(written.password.length).toBeGreaterThanOrEqual(20);
    expect(lines.join('\n')).toContain(file);
    expect(lines.join('\n')).not.toContain(written.password);
    const operator = await store.users.findCredentialsByEmail(DEFAULT_ADMIN_EMAIL);
    expect(operator?.user).toMatchObject({ role: 'owner', isPlatformAdmin: true, status: 'active' });
    expect(operator?.passwordHash).toMatch(/^scrypt\$/);
    // A second start finds the store populated and does nothing.
    expect(
      await ensureOperator({ store, clock: createManualClock(), dataDir, admin: { email: undefined, password: undefined }, log }),
    ).toEqual({ created: false });
    expect(await store.organizations.count()).toBe(1);
    await store.close();
  });

  it('uses ADPLATFORM_ADMIN_EMAIL/PASSWORD when given and writes no file', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'adp-boot-'));
    dirs.push(dataDir);
    const store = await createTestPgliteStore();
    const result = await ensureOperator({
      store,
      clock: createManualClock(),
      dataDir,
      admin: { email: 'ops@example.com', password: 'configured-password' },
      log: { info: () => undefined },
    });
    expect(result).toEqual({ created: true, email: 'ops@example.com' });
    await expect(stat(path.join(dataDir, 'initial-admin.json'))).rejects.toThrow(/ENOENT/);
    expect((await store.users.findCredentialsByEmail('ops@example.com'))?.user.isPlatformAdmin).toBe(true);
    await store.close();
  });
});
