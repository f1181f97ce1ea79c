export type * from './metadata-store.js';
