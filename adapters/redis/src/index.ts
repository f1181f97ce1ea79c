export { createRedisCounterStore, type RedisCounterStoreOptions } from './redis-counters.js';
