import { ConfigError, loadConfig } from '@adplatform/config';
import { Command } from 'commander';

const program = new Command()
  .name('adplatform')
  .description('AdPlatform: self-hosted ad server, decision API and OpenRTB exchange')
  .showHelpAfterError();

program
  .command('serve')
  .description('run the platform (every role in one process by default)')
  .option('--demo', 'add demo advertisers, campaigns and a publisher site, and simulate visitors (docs/demo.md)')
  .action(async (options: { demo?: boolean }) => {
    const { serve } = await import('@adplatform/server');
    await serve(loadConfig(), { handleSignals: true, demo: options.demo === true });
  });

program
  .command('migrate')
  .description('apply the metadata schema migrations and exit (serve also applies them at start)')
  .action(async () => {
    const config = loadConfig();
    const { migrateMetadataStore } = await import('@adplatform/adapter-sql');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
    const kind = await migrateMetadataStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    console.log(`migrations applied (${kind})`);
  });

program.parseAsync().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`adplatform: ${error.message}`);
    process.exit(78); // EX_CONFIG
  }
  console.error(error);
  process.exit(1);
});
