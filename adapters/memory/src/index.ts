export { createMemoryChangeBus } from './memory-change-bus.js';
export { createMemoryCounterStore, type MemoryCounterStoreOptions } from './memory-counters.js';
export { createMemoryEventLog, type MemoryEventLogOptions } from './memory-event-log.js';
export { createMemoryRateLimiter } from './memory-rate-limiter.js';
