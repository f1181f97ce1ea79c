export { createMemoryChangeBus } from './memory-change-bus.js';
export { createMemoryRateLimiter } from './memory-rate-limiter.js';
