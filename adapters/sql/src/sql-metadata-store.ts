import type { MetadataStore } from '@adplatform/ports';
import { sql } from 'drizzle-orm';
import { createStores } from './create-stores.js';
import type { SqlDatabase } from './sql-database.js';

export interface SqlMetadataStoreParts {
  db: SqlDatabase;
  kind: MetadataStore['kind'];
  /** Closes the driver's client or pool; called at most once. */
  closeClient: () => Promise<void>;
}

/** A MetadataStore over an open drizzle database, whichever engine is behind it. */
export function createSqlMetadataStore({ db, kind, closeClient }: SqlMetadataStoreParts): MetadataStore {
  let closing: Promise<void> | undefined;
  return {
    ...createStores(db),
    kind,
    transaction: (work) => db.transaction((tx) => work(createStores(tx))),
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    // Both drivers throw when closed twice; every caller shares the first close.
    close: () => {
      closing ??= closeClient();
      return closing;
    },
  };
}
