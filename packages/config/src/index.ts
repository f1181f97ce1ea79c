export { renderConfigDoc } from './config-doc.js';
export { type Config, ConfigError, loadConfig } from './load-config.js';
export { ConfigSchema } from './schema.js';
