import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderConfigDoc } from './config-doc.js';

const target = fileURLToPath(new URL('../../../docs/config.md', import.meta.url));
writeFileSync(target, renderConfigDoc());
console.log(`wrote ${target}`);
