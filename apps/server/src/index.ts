export { type AppDeps, type AppOptions, buildApp, VERSION } from './app.js';
export { DEFAULT_ADMIN_EMAIL, ensureOperator, INITIAL_ADMIN_FILE } from './bootstrap.js';
export { createDeps } from './deps.js';
export { serve } from './serve.js';
