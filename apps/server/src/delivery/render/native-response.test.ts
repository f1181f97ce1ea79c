import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NATIVE_ASSET_IDS, renderNative } from './native-response.js';
import type { AdUrls, RenderCreative } from './render-types.js';

// Shared fixtures, read in place (see /work/shared/fixtures/SOURCES.md): the IAB Native 1.2 §6
// response examples as repaired by mxmCherry/openrtb (the published ones do not parse).
const FIXTURES = new URL('../../../../../../shared/fixtures/', import.meta.url);
const SPEC_RESPONSES = ['clickout', 'video', 'third-party'].map((name) => ({
  name,
  body: JSON.parse(readFileSync(new URL(`mxmcherry-openrtb/native1/response/testdata/v1.2/${name}.json`, FIXTURES), 'utf8')) as unknown,
}));

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown) => Number.isInteger(v);

/** Native 1.2 §5.3–5.6: each asset kind's required string field and all its fields. */
const ASSET_SHAPES: Record<string, { required: string; fields: string[] }> = {
  title: { required: 'text', fields: ['text', 'len', 'ext'] },
  img: { required: 'url', fields: ['type', 'url', 'w', 'h', 'ext'] },
  data: { required: 'value', fields: ['type', 'len', 'value', 'ext'] },
  video: { required: 'vasttag', fields: ['vasttag', 'ext'] },
};

/** Problems with `value` as a Native 1.2 (§5) response object: unknown fields, wrong types, missing required ones. */
function nativeResponseProblems(value: unknown): string[] {
  const problems: string[] = [];
  const only = (obj: Json, allowed: string[], at: string) => {
    for (const key of Object.keys(obj)) if (!allowed.includes(key)) problems.push(`${at}.${key} is not a Native 1.2 field`);
  };
  const need = (ok: boolean, what: string) => {
    if (!ok) problems.push(what);
  };
  if (!isObject(value)) return ['not an object'];
  only(value, ['ver', 'assets', 'assetsurl', 'dcourl', 'link', 'imptrackers', 'jstracker', 'eventtrackers', 'privacy', 'ext'], 'native');
  need(value.ver === undefined || typeof value.ver === 'string', 'ver is a string');
  need(isObject(value.link) && typeof value.link.url === 'string', 'link.url is required');
  if (isObject(value.link)) only(value.link, ['url', 'clicktrackers', 'fallback', 'ext'], 'link');
  need(Array.isArray(value.assets) || typeof value.assetsurl === 'string', 'assets or assetsurl is required');
  const ids = new Set<unknown>();
  for (const [i, asset] of ((value.assets as unknown[]) ?? []).entries()) {
    const at = `assets[${i}]`;
    if (!isObject(asset)) {
      problems.push(`${at} is not an object`);
      continue;
    }
    only(asset, ['id', 'required', 'title', 'img', 'video', 'data', 'link', 'ext'], at);
    need(isInt(asset.id) && !ids.has(asset.id), `${at}.id is a unique integer`);
    ids.add(asset.id);
    need(asset.required === undefined || asset.required === 0 || asset.required === 1, `${at}.required is 0 or 1`);
    const kinds = ['title', 'img', 'video', 'data'].filter((k) => asset[k] !== undefined);
    need(kinds.length === 1, `${at} has exactly one of title, img, video, data`);
    const body = asset[kinds[0] ?? ''];
    if (!isObject(body)) continue;
    const [kind = ''] = kinds;
    const shape = ASSET_SHAPES[kind];
    if (!shape) continue;
    need(typeof body[shape.required] === 'string', `${at}.${kind}.${shape.required}`);
    only(body, shape.fields, `${at}.${kind}`);
  }
  for (const [i, tracker] of ((value.eventtrackers as unknown[]) ?? []).entries()) {
    const ok = isObject(tracker) && isInt(tracker.event) && isInt(tracker.method) && typeof tracker.url === 'string';
    need(ok, `eventtrackers[${i}] has integer event and method and a url`);
    if (isObject(tracker)) only(tracker, ['event', 'method', 'url', 'customdata', 'ext'], `eventtrackers[${i}]`);
  }
  need(
    value.imptrackers === undefined || (Array.isArray(value.imptrackers) && value.imptrackers.every((u) => typeof u === 'string')),
    'imptrackers',
  );
  return problems;
}

const urls: AdUrls = {
  clickUrl: 'https://ads.example.com/t/click?d=1&s=a',
  impressionUrl: 'https://ads.example.com/t/imp?d=1&s=b',
  viewableUrl: 'https://ads.example.com/t/event?type=viewable&d=1&s=c',
  assetBaseUrl: 'https://ads.example.com',
};
const creative: RenderCreative = {
  format: 'native',
  width: 1200,
  height: 627,
  impressionTrackers: ['https://tracker.example/imp'],
  native: {
    title: 'Fresh bread',
    description: 'Baked daily',
    imageUrl: 'https://cdn.example/bread.jpg',
    iconUrl: 'https://cdn.example/logo.png',
    callToAction: 'Order now',
    sponsor: 'The Bakery',
  },
};

describe('renderNative', () => {
  it('the structure check accepts the spec’s example responses', () => {
    for (const { name, body } of SPEC_RESPONSES) expect(nativeResponseProblems(body), name).toEqual([]);
    expect(nativeResponseProblems({ link: {}, assets: [{ id: 1, title: {}, img: { url: 'x' } }], imptracker: [] })).toEqual([
      'native.imptracker is not a Native 1.2 field',
      'link.url is required',
      'assets[0] has exactly one of title, img, video, data',
      'assets[0].title.text',
    ]);
  });

  it('answers a Native 1.2 response object with the spec’s shape', () => {
    const native = renderNative(creative, urls);
    expect(nativeResponseProblems(native)).toEqual([]);
    // Same kinds of values as the spec's clickout example: title, images, data, link.url, eventtrackers.
    const clickout = SPEC_RESPONSES[0]?.body as Json;
    expect(Object.keys(native!).filter((k) => k in clickout)).toEqual(expect.arrayContaining(['link', 'assets', 'eventtrackers']));
  });

  it('maps the creative to assets with their type codes and fixed ids', () => {
    const native = renderNative(creative, urls)!;
    expect(native.ver).toBe('1.2');
    expect(native.assets).toEqual([
      { id: NATIVE_ASSET_IDS.title, required: 1, title: { text: 'Fresh bread', len: 11 } },
      { id: NATIVE_ASSET_IDS.mainImage, required: 1, img: { type: 3, url: 'https://cdn.example/bread.jpg', w: 1200, h: 627 } },
      { id: NATIVE_ASSET_IDS.icon, img: { type: 1, url: 'https://cdn.example/logo.png' } },
      { id: NATIVE_ASSET_IDS.sponsored, required: 1, data: { type: 1, value: 'The Bakery' } },
      { id: NATIVE_ASSET_IDS.description, data: { type: 2, value: 'Baked daily' } },
      { id: NATIVE_ASSET_IDS.callToAction, data: { type: 12, value: 'Order now' } },
    ]);
  });

  it('links to the signed click URL and tracks impressions (ours and third-party) and MRC viewability', () => {
    const native = renderNative(creative, urls)!;
    expect(native.link).toEqual({ url: urls.clickUrl });
    expect(native.imptrackers).toEqual([urls.impressionUrl, 'https://tracker.example/imp']);
    expect(native.eventtrackers).toEqual([
      { event: 1, method: 1, url: urls.impressionUrl },
      { event: 1, method: 1, url: 'https://tracker.example/imp' },
      { event: 2, method: 1, url: urls.viewableUrl },
    ]);
  });

  it('leaves out optional assets the creative lacks, and is undefined without native assets', () => {
    const minimal = renderNative({ ...creative, native: { title: 'T', imageUrl: 'https://cdn.example/i.jpg', sponsor: 'S' } }, urls)!;
    expect(minimal.assets.map((a) => a.id)).toEqual([NATIVE_ASSET_IDS.title, NATIVE_ASSET_IDS.mainImage, NATIVE_ASSET_IDS.sponsored]);
    expect(nativeResponseProblems(minimal)).toEqual([]);
    expect(renderNative({ format: 'native', impressionTrackers: [] }, urls)).toBeUndefined();
  });

  it('serializes hostile text as JSON data, and neutralizes non-http URLs', () => {
    const hostile = '"}</script><script>alert(1)</script>';
    const native = renderNative({ ...creative, native: { title: hostile, imageUrl: 'javascript:alert(1)', sponsor: hostile } }, urls)!;
    expect(JSON.parse(JSON.stringify(native)).assets[0].title.text).toBe(hostile);
    expect(native.assets[1]).toMatchObject({ img: { url: 'about:blank' } });
  });
});
