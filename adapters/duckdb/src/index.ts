export { createDuckDbAnalytics, type DuckDbAnalytics, type DuckDbAnalyticsOptions } from './duckdb-analytics.js';
export {
  createDuckDbAnalyticsWorker,
  type DuckDbAnalyticsWorker,
  type DuckDbAnalyticsWorkerOptions,
} from './duckdb-analytics-proxy.js';
