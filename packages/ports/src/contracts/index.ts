export { runMetadataStoreContract } from './metadata-store.contract.js';
