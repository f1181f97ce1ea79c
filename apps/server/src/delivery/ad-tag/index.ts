export { type AdTagSource, adTagHeaders, adTagSource, compactScript } from './ad-tag-source.js';
export { renderTestPage, type TestPageOptions, type TestPageSlot } from './ad-tag-test-page.js';
