export { createFsBlobStore } from './fs-blob-store.js';
