export { CLICK_MACROS, renderAdMarkup, substituteClickMacros, trackerPixels } from './ad-markup.js';
export { cdata, escapeHtml, escapeXml, safeUrl, urlAttr } from './escape.js';
export { AD_PAGE_HEADERS, AD_SANDBOX, type IframePageOptions, renderAdDocument, renderIframePage } from './iframe-page.js';
export { compileMarkupTemplate, fillMarkupTemplate, type MarkupTemplate, renderAdMarkupCached } from './markup-template.js';
export {
  NATIVE_ASSET_IDS,
  NATIVE_DATA_TYPE,
  NATIVE_EVENT,
  NATIVE_IMAGE_TYPE,
  NATIVE_METHOD,
  type NativeAssetResponse,
  type NativeEventTracker,
  type NativeLink,
  type NativeResponse,
  renderNative,
} from './native-response.js';
export { type AdUrls, assetUrl, type RenderableAd, type RenderCreative } from './render-types.js';
export { renderVast, VAST_QUARTILE_EVENTS, type VastAd, type VastOptions, type VastTrackingEvent, vastDuration, vastUrl } from './vast.js';
