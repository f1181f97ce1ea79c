export { createMemoryRateLimiter } from './memory-rate-limiter.js';
