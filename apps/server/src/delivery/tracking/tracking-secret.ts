import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * A secret kept in `<dataDir>/secrets/<name>` (directory 0700, file 0600):
 * read when it exists, else `bytes` random bytes written as hex text. The
 * text itself is the secret, so an operator can copy the file's content into
 * the matching environment variable on the other nodes of a cluster and get
 * the same key. Two processes starting at once agree: the file appears whole
 * (written aside, then linked into place) and the loser reads the winner's.
 */
export async function loadOrCreateSecret(dataDir: string, name: string, bytes: number): Promise<string> {
  const dir = path.join(dataDir, 'secrets');
  const file = path.join(dir, name);
  const existing = await readSecret(file);
  if (existing) return existing;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // Written whole under a private name, then linked into place: link fails if the name exists, so no one reads a half-written key.
  const draft = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(draft, `${randomBytes(bytes).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(draft, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await rm(draft, { force: true });
  }
  const created = await readSecret(file);
  if (!created) throw new Error(`the secret file ${file} is empty`);
  return created;
}

async function readSecret(file: string): Promise<string | undefined> {
  try {
    return (await readFile(file, 'utf8')).trim() || undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
