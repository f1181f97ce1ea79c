export { runAnalyticsStoreContract } from './analytics-store.contract.js';
export { blobKeyOf, runBlobStoreContract } from './blob-store.contract.js';
export { runCounterStoreContract } from './counter-store.contract.js';
export { type OpenedEventLog, runEventLogContract } from './event-log.contract.js';
export { runMetadataStoreContract } from './metadata-store.contract.js';
