export { createDuckDbAnalytics, type DuckDbAnalytics, type DuckDbAnalyticsOptions } from './duckdb-analytics.js';
