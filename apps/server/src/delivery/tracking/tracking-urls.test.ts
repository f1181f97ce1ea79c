import { describe, expect, it } from 'vitest';
import { adTrackingUrls, buildTrackingUrls, publicOriginOf } from './tracking-urls.js';

describe('tracking URLs', () => {
  it('puts the token on each endpoint under the public origin', () => {
    const urls = buildTrackingUrls('https://ads.example.com/', 'PAYLOAD.MAC');
    expect(urls.impressionUrl).toBe('https://ads.example.com/t/imp?t=PAYLOAD.MAC');
    expect(urls.clickUrl).toBe('https://ads.example.com/t/click?t=PAYLOAD.MAC');
    expect(urls.eventUrl('video_midpoint')).toBe('https://ads.example.com/t/event?t=PAYLOAD.MAC&type=video_midpoint');
  });

  it('gives an answer’s ad the same URLs, its viewable event among them', () => {
    const urls = buildTrackingUrls('https://ads.example.com/', 'PAYLOAD.MAC');
    expect(adTrackingUrls('https://ads.example.com/', 'PAYLOAD.MAC')).toEqual({
      impressionUrl: urls.impressionUrl,
      clickUrl: urls.clickUrl,
      viewableUrl: urls.eventUrl('viewable'),
    });
  });

  it('drops any trailing slashes of the origin, and keeps one without', () => {
    for (const base of ['https://ads.example.com', 'https://ads.example.com/', 'https://ads.example.com///']) {
      expect(buildTrackingUrls(base, 'P.M').clickUrl).toBe('https://ads.example.com/t/click?t=P.M');
      expect(publicOriginOf({ protocol: 'http', host: 'x' }, base)).toBe('https://ads.example.com');
    }
  });

  it('takes the configured origin over the request’s own', () => {
    expect(publicOriginOf({ protocol: 'http', host: '10.0.0.5:8080' }, 'https://ads.example.com')).toBe('https://ads.example.com');
    expect(publicOriginOf({ protocol: 'http', host: '10.0.0.5:8080' })).toBe('http://10.0.0.5:8080');
  });
});
