#!/usr/bin/env node
// The installed `adplatform` command: runs the bundle built by `npm run build`
// (or `npm start`), or the TypeScript sources through tsx when there is none.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/adplatform.mjs', import.meta.url);
if (existsSync(bundle)) {
  await import(bundle.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main.ts');
}
