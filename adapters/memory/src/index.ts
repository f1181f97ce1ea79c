export { createMemoryChangeBus } from './memory-change-bus.js';
export { createMemoryEventLog, type MemoryEventLogOptions } from './memory-event-log.js';
export { createMemoryRateLimiter } from './memory-rate-limiter.js';
