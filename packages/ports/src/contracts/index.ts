export { blobKeyOf, runBlobStoreContract } from './blob-store.contract.js';
export { runMetadataStoreContract } from './metadata-store.contract.js';
