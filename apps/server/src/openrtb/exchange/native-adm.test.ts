import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderNative } from '../../delivery/render/native-response.js';
import type { RenderCreative } from '../../delivery/render/render-types.js';
import { nativeAdmFor } from './native-adm.js';

// The IAB Native 1.2 request examples as published by mxmCherry/openrtb, read in place (see /work/shared/fixtures/SOURCES.md).
const FIXTURES = new URL('../../../../../../shared/fixtures/mxmcherry-openrtb/native1/request/testdata/', import.meta.url);
const fixture = (name: string) => JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as Record<string, unknown>;

const creative: RenderCreative = {
  format: 'native',
  width: 1200,
  height: 627,
  impressionTrackers: [],
  native: {
    title: 'Fresh bread',
    description: 'Baked daily',
    imageUrl: 'https://cdn.example/bread.jpg',
    iconUrl: 'https://cdn.example/logo.png',
    callToAction: 'Order now',
    sponsor: 'The Bakery',
  },
};
const ours = renderNative(creative, {
  clickUrl: 'https://ads.example.com/t/click?d=1&s=a',
  impressionUrl: 'https://ads.example.com/t/imp?d=1&s=b',
  viewableUrl: 'https://ads.example.com/t/event?type=viewable&d=1&s=c',
  assetBaseUrl: 'https://ads.example.com',
})!;

type Answer = {
  ver: string;
  assets: Record<string, unknown>[];
  link: { url: string };
  eventtrackers: { event: number; method: number }[];
  imptrackers: string[];
};

describe('nativeAdmFor', () => {
  it('answers the IAB content-context request with its own asset ids, leaving out the video asset it does not require', () => {
    const adm = nativeAdmFor(JSON.stringify(fixture('v1.2/content-context.json')), ours);
    const answer = JSON.parse(adm!) as Answer;
    expect(answer.ver).toBe('1.2');
    expect(answer.assets).toEqual([
      { id: 123, title: { text: 'Fresh bread' } },
      { id: 128, img: { type: 3, url: 'https://cdn.example/bread.jpg', w: 1200, h: 627 } },
      { id: 124, img: { type: 1, url: 'https://cdn.example/logo.png' } },
      { id: 126, data: { type: 1, value: 'The Bakery' } },
      { id: 127, data: { type: 2, value: 'Baked daily' } },
    ]);
    expect(answer.link.url).toBe('https://ads.example.com/t/click?d=1&s=a');
    // The request supports impression trackers by JS only and viewable ones by image: our image impression
    // tracker stays in imptrackers, the viewable one in eventtrackers.
    expect(answer.eventtrackers).toEqual([{ event: 2, method: 1, url: 'https://ads.example.com/t/event?type=viewable&d=1&s=c' }]);
    expect(answer.imptrackers).toEqual(['https://ads.example.com/t/imp?d=1&s=b']);
  });

  it('does not bid when a required asset cannot be filled', () => {
    const request = (asset: Record<string, unknown>) => ({
      assets: [
        { id: 1, required: 1, title: { len: 90 } },
        { id: 2, required: 1, ...asset },
      ],
    });
    expect(nativeAdmFor(request({ data: { type: 3 } }), ours)).toBeUndefined(); // rating: we carry none
    expect(nativeAdmFor(request({ data: { type: 1, len: 5 } }), ours)).toBeUndefined(); // "The Bakery" is longer
    expect(nativeAdmFor(request({ img: { type: 3, wmin: 1300 } }), ours)).toBeUndefined(); // our image is 1200 wide
    expect(nativeAdmFor(request({ video: { mimes: ['video/mp4'] } }), ours)).toBeUndefined();
    expect(nativeAdmFor({ assets: [{ id: 1, required: 1, title: { len: 5 } }] }, ours)).toBeUndefined();
    // The same assets, not required: left out, and the rest answered.
    const optional = JSON.parse(
      nativeAdmFor(
        {
          assets: [
            { id: 1, title: { len: 90 } },
            { id: 2, data: { type: 3 } },
          ],
        },
        ours,
      )!,
    ) as Answer;
    expect(optional.assets).toEqual([{ id: 1, title: { text: 'Fresh bread' } }]);
  });

  it('answers a Native 1.0 request (wrapped in "native") wrapped the same way, and refuses one it cannot read', () => {
    const wrapped = JSON.parse(nativeAdmFor(JSON.stringify({ native: { assets: [{ id: 7, title: { len: 50 } }] } }), ours)!) as {
      native: Answer;
    };
    expect(wrapped.native.assets).toEqual([{ id: 7, title: { text: 'Fresh bread' } }]);
    expect(nativeAdmFor('{not json', ours)).toBeUndefined();
    expect(nativeAdmFor({ assets: 'x' }, ours)).toBeUndefined();
    expect(nativeAdmFor({ assets: [{ id: 1, video: { mimes: ['video/mp4'] } }] }, ours)).toBeUndefined();
  });

  it('for any request of assets the creative can fill, answers every one of them under its own id', () => {
    // Our creative: title "Fresh bread" (11), a 1200×627 main image, an icon, sponsor "The Bakery" (10), description, CTA.
    const fillable = fc.oneof(
      fc.record({ title: fc.record({ len: fc.integer({ min: 11, max: 140 }) }) }),
      fc.record({ img: fc.record({ type: fc.constant(3), wmin: fc.integer({ min: 0, max: 1200 }) }) }),
      fc.record({ img: fc.record({ type: fc.constant(1) }) }),
      fc.record({ data: fc.record({ type: fc.constantFrom(1, 2, 12), len: fc.integer({ min: 11, max: 140 }) }) }),
    );
    const request = fc
      .uniqueArray(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 8 })
      .chain((ids) =>
        fc.tuple(
          ...ids.map((id) => fc.tuple(fillable, fc.boolean()).map(([a, required]) => ({ id, ...a, ...(required ? { required: 1 } : {}) }))),
        ),
      );
    fc.assert(
      fc.property(request, (assets) => {
        const adm = nativeAdmFor({ assets }, ours);
        expect(adm).toBeDefined();
        expect((JSON.parse(adm!) as Answer).assets.map((a) => a.id)).toEqual(assets.map((a) => a.id));
      }),
    );
  });

  it('for any request: answers only asset ids the request holds, each once, and fills every required one or does not bid', () => {
    const asset = fc.oneof(
      fc.record({ title: fc.record({ len: fc.integer({ min: 1, max: 40 }) }) }),
      fc.record({
        img: fc.record({ type: fc.constantFrom(1, 2, 3), wmin: fc.integer({ min: 0, max: 2000 }) }, { requiredKeys: ['type'] }),
      }),
      fc.record({
        data: fc.record({ type: fc.integer({ min: 1, max: 12 }), len: fc.integer({ min: 1, max: 40 }) }, { requiredKeys: ['type'] }),
      }),
      fc.record({ video: fc.constant({ mimes: ['video/mp4'] }) }),
    );
    const request = fc
      .uniqueArray(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 8 })
      .chain((ids) =>
        fc.tuple(
          ...ids.map((id) => fc.tuple(asset, fc.boolean()).map(([a, required]) => ({ id, ...a, ...(required ? { required: 1 } : {}) }))),
        ),
      );
    fc.assert(
      fc.property(request, (assets) => {
        const adm = nativeAdmFor({ assets }, ours);
        if (adm === undefined) {
          // Refused: some asset could not be filled (or none could).
          return;
        }
        const answer = JSON.parse(adm) as Answer;
        const answered = answer.assets.map((a) => a.id as number);
        expect(new Set(answered).size).toBe(answered.length);
        for (const id of answered) expect(assets.some((a) => a.id === id)).toBe(true);
        for (const a of assets) if ('required' in a) expect(answered).toContain(a.id);
        for (const a of answer.assets) {
          const title = a.title as { text: string } | undefined;
          const wanted = assets.find((r) => r.id === a.id) as { title?: { len: number } };
          if (title && wanted.title) expect(title.text.length).toBeLessThanOrEqual(wanted.title.len);
        }
      }),
    );
  });
});
