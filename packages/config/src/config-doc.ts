import { ConfigSchema } from './schema.js';

interface PropertyDoc {
  description?: string;
  default?: unknown;
  type?: string;
  enum?: unknown[];
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
}

/** Renders docs/config.md from the schema, so the two cannot drift. */
export function renderConfigDoc(): string {
  const required = new Set<string>(ConfigSchema.required ?? []);
  const rows = Object.entries(ConfigSchema.properties).map(([name, schema]) => {
    const p = schema as PropertyDoc;
    const def = p.default === undefined ? (required.has(name) ? '(required)' : '(unset)') : `\`${String(p.default)}\``;
    return `| \`${name}\` | ${typeOf(p)} | ${def} | ${p.description ?? ''} |`;
  });
  return [
    '# Configuration',
    '',
    'AdPlatform reads its configuration from environment variables, validates all of them at start and',
    'refuses to start with a message naming every bad variable. This page is generated from',
    '`packages/config/src/schema.ts` by `npm run docs:config`; a test fails when it is out of date.',
    '',
    '| variable | type | default | meaning |',
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

function typeOf(p: PropertyDoc): string {
  if (p.enum) return p.enum.map((v) => `\`${String(v)}\``).join(' \\| ');
  if (p.format) return `${p.type} (${p.format})`;
  if (p.pattern?.includes('://')) return 'URL';
  const range = p.minimum !== undefined || p.maximum !== undefined ? ` ${p.minimum ?? ''}..${p.maximum ?? ''}` : '';
  return `${p.type}${range}`;
}
