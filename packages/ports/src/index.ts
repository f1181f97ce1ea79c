export * from './analytics.js';
export * from './blob-store.js';
export type * from './change-bus.js';
export type * from './counters.js';
export * from './event-log.js';
export * from './frequency-tally.js';
export type * from './metadata-store.js';
export type * from './rate-limiter.js';
export type * from './resource-store.js';
