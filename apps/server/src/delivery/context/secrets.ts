import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * The server secret `name` kept in `<dataDir>/secrets/<name>`: read when the
 * file exists, else `bytes` random bytes are written there as hex text (file
 * mode 0600, directory 0700) and returned. The text is the secret, so an
 * operator can paste it into the matching setting on the other nodes of a
 * cluster. Safe when several processes start at once: the file is written
 * whole under a private name and hard-linked into place, and link refuses an
 * existing name, so every process ends up with the one that won. An existing
 * empty file is an error (never silently replaced: that would change every
 * key derived from it).
 */
export async function loadOrCreateSecret(dataDir: string, name: string, bytes: number): Promise<string> {
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(name)) throw new Error(`invalid secret name ${JSON.stringify(name)}`);
  if (!Number.isInteger(bytes) || bytes < 16) throw new Error('a secret needs at least 16 random bytes');
  const dir = path.join(dataDir, 'secrets');
  const file = path.join(dir, name);
  const existing = await readSecretFile(file);
  if (existing !== undefined) return existing;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(draft, `${randomBytes(bytes).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await chmod(draft, 0o600); // the mode of writeFile is masked by the umask; the secret must not be group-readable
    await link(draft, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(draft).catch(() => undefined);
  }
  const created = await readSecretFile(file);
  if (created === undefined) throw new Error(`the secret file ${file} vanished while it was created`);
  return created;
}

async function readSecretFile(file: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const secret = text.trim();
  if (secret.length === 0) throw new Error(`the secret file ${file} is empty; delete it to generate a new secret`);
  return secret;
}

/** The salt of derived user keys: `config.userKeySalt` when set, else the generated `user-key.salt` of the data directory. */
export async function loadUserKeySalt(options: { configured?: string | undefined; dataDir: string }): Promise<string> {
  return options.configured ?? (await loadOrCreateSecret(options.dataDir, 'user-key.salt', 32));
}
