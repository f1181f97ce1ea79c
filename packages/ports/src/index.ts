export type * from './metadata-store.js';
export type * from './rate-limiter.js';
