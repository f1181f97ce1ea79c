import { open } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '@adplatform/domain';
import type { MetadataStore } from '@adplatform/ports';
import type { FastifyBaseLogger } from 'fastify';
import { randomToken } from './modules/auth/tokens.js';
import { OrganizationsService } from './modules/organizations/organizations.service.js';

export const DEFAULT_ADMIN_EMAIL = 'admin@adplatform.local';
export const INITIAL_ADMIN_FILE = 'initial-admin.json';

/**
 * On first start (no organization at all) creates the operator: an owner with
 * the platform-admin flag in a "Platform" organization. Without a configured
 * password one is generated and written to `<data dir>/initial-admin.json`
 * (mode 0600); the log names the file, never the password.
 */
export async function ensureOperator(options: {
  store: MetadataStore;
  clock: Clock;
  dataDir: string;
  admin: { email: string | undefined; password: string | undefined };
  log: Pick<FastifyBaseLogger, 'info'>;
}): Promise<{ created: boolean; email?: string; file?: string }> {
  const { store, clock, dataDir, admin, log } = options;
  if ((await store.organizations.count()) > 0) return { created: false };
  const email = admin.email ?? DEFAULT_ADMIN_EMAIL;
  const password = admin.password ?? randomToken(18);
  const organizations = new OrganizationsService({ store, clock });
  await organizations.create(null, { name: 'Platform', owner: { email, password, name: 'Platform operator' } }, { platformAdmin: true });
  if (admin.password) {
    log.info({ email }, 'created the platform operator from ADPLATFORM_ADMIN_EMAIL/ADPLATFORM_ADMIN_PASSWORD');
    return { created: true, email };
  }
  const file = path.join(dataDir, INITIAL_ADMIN_FILE);
  const handle = await open(file, 'w', 0o600);
  try {
    await handle.chmod(0o600);
    await handle.writeFile(`${JSON.stringify({ email, password }, null, 2)}\n`);
  } finally {
    await handle.close();
  }
  log.info({ email, file }, 'created the platform operator; its generated password is in this file (mode 0600)');
  return { created: true, email, file };
}
