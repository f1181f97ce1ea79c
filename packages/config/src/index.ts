export { ConfigSchema } from './schema.js';
export { loadConfig, ConfigError, type Config } from './load-config.js';
export { renderConfigDoc } from './config-doc.js';
