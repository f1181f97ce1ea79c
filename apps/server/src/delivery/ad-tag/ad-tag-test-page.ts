import { escapeHtml, urlAttr } from '../render/escape.js';

export interface TestPageSlot {
  divName?: string | undefined;
  placementId: string;
  /** Extra attributes for the div, e.g. `{ 'data-keywords': 'sports,news', 'data-kv-section': 'home' }`. */
  attributes?: Readonly<Record<string, string>> | undefined;
}

export interface TestPageOptions {
  scriptUrl: string;
  placements: readonly TestPageSlot[];
  /** Empty space before the slots, in CSS pixels, to start them below the fold (viewability tests). */
  spacerPx?: number | undefined;
  /** Script run before the tag, e.g. `window.adplatformConsent = false`. */
  inlineScript?: string | undefined;
}

/**
 * A publisher page as docs/ad-tag.md tells publishers to write it: one
 * `<div data-placement>` per slot and the async tag. For browser tests.
 */
export function renderTestPage(options: TestPageOptions): string {
  const divs = options.placements.map((slot) => {
    const id = slot.divName ? ` id="${escapeHtml(slot.divName)}"` : '';
    const extra = Object.entries(slot.attributes ?? {})
      .filter(([name]) => /^[a-z][a-z0-9-]*$/.test(name))
      .map(([name, value]) => ` ${name}="${escapeHtml(value)}"`)
      .join('');
    return `<div${id} data-placement="${escapeHtml(slot.placementId)}"${extra}></div>`;
  });
  const spacer = options.spacerPx ? `<div style="height:${Math.trunc(options.spacerPx)}px"></div>` : '';
  // The inline script is test-author code, written into the page as is (never user input).
  const inline = options.inlineScript ? `<script>${options.inlineScript.replaceAll('</', '<\\/')}</script>` : '';
  return (
    '<!doctype html><html><head><meta charset="utf-8"><title>AdPlatform test page</title></head>' +
    `<body style="margin:0">${spacer}${divs.join('')}${inline}<script async src="${urlAttr(options.scriptUrl)}"></script></body></html>`
  );
}
