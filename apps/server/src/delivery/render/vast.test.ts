import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderVast, type VastAd, type VastOptions, vastDuration, vastUrl } from './vast.js';

// Shared fixtures, read in place (see /work/shared/fixtures/SOURCES.md). xmllint comes from
// Debian's libxml2-utils (installed by .ci/run).
const FIXTURES = new URL('../../../../../../shared/fixtures/', import.meta.url);
const XSD = fileURLToPath(new URL('iab-vast-xsd/vast_4.2.xsd', FIXTURES));
const SAMPLES = new URL('iab-vast-samples/', FIXTURES);
const samplesIn = (folder: string) => readdirSync(new URL(folder, SAMPLES)).map((file) => new URL(`${folder}${file}`, SAMPLES));

function xmllint(args: string[], xml: string): { ok: boolean; out: string } {
  const run = spawnSync('xmllint', [...args, '-'], { input: xml, encoding: 'utf8' });
  if (run.error) throw run.error;
  return { ok: run.status === 0, out: `${run.stdout}${run.stderr}` };
}
/**
 * libxml2 checks xs:anyURI more strictly than XML Schema does (its lexical space is any string
 * that is a URI once disallowed characters are escaped) and refuses the square brackets of VAST
 * macros such as `[ERRORCODE]`, which players must receive verbatim; the validator sees them escaped.
 */
const validate = (xml: string) => xmllint(['--noout', '--schema', XSD], xml.replace(/\[([A-Z][A-Z0-9_]*)\]/g, '%5B$1%5D'));
/** Text of every node an XPath selects (namespace-agnostic via local-name()). */
const xpath = (xml: string, path: string) => xmllint(['--xpath', path], xml).out.trim();
const el = (name: string) => `*[local-name()="${name}"]`;

const ad: VastAd = {
  id: 'dec-1',
  adServingId: 'dec-1',
  creativeId: 'cr-1',
  title: 'Spring & "summer" <sale>',
  advertiser: 'ACME',
  impressionTrackers: ['https://tracker.example/imp?a=1&b=2'],
  video: {
    durationSeconds: 75,
    mediaFiles: [
      { url: 'https://cdn.example/v-720.mp4', mimeType: 'video/mp4', width: 1280, height: 720, bitrateKbps: 2000 },
      { url: 'https://cdn.example/v-360.webm?x=]]>&y=1', mimeType: 'video/webm', width: 640, height: 360 },
    ],
  },
};
const options: VastOptions = {
  impressionUrl: 'https://ads.example.com/t/imp?d=dec-1&sig=a',
  clickUrl: 'https://ads.example.com/t/click?d=dec-1&sig=b',
  clickTrackingUrl: 'https://ads.example.com/t/event?type=click&d=dec-1',
  eventUrl: (event) => `https://ads.example.com/t/event?type=${event}&d=dec-1&sig=c`,
  errorUrl: 'https://ads.example.com/t/event?type=error&code=[ERRORCODE]',
  adSystem: { name: 'AdPlatform', version: '0.1.0' },
};

describe('renderVast', () => {
  it('writes an InLine ad that validates against the VAST 4.2 schema', () => {
    const xml = renderVast(ad, options);
    const result = validate(xml);
    expect(result.out).toContain('validates');
    expect(result.ok).toBe(true);
  });

  it('carries impressions, quartile trackers, click-through, click tracking, error and media files', () => {
    const xml = renderVast(ad, options);
    const inline = `/${el('VAST')}/${el('Ad')}/${el('InLine')}`;
    const linear = `${inline}/${el('Creatives')}/${el('Creative')}/${el('Linear')}`;
    expect(xpath(xml, `string(${inline}/${el('AdTitle')})`)).toBe('Spring & "summer" <sale>');
    expect(xpath(xml, `count(${inline}/${el('Impression')})`)).toBe('2');
    expect(xpath(xml, `string(${inline}/${el('Impression')}[2])`)).toBe('https://tracker.example/imp?a=1&b=2');
    expect(xpath(xml, `string(${inline}/${el('Error')})`)).toBe(options.errorUrl);
    expect(xpath(xml, `string(${linear}/${el('Duration')})`)).toBe('00:01:15');
    for (const event of ['start', 'firstQuartile', 'midpoint', 'thirdQuartile', 'complete']) {
      expect(xpath(xml, `string(${linear}/${el('TrackingEvents')}/${el('Tracking')}[@event="${event}"])`)).toBe(
        options.eventUrl(event as 'start'),
      );
    }
    expect(xpath(xml, `string(${linear}/${el('VideoClicks')}/${el('ClickThrough')})`)).toBe(options.clickUrl);
    expect(xpath(xml, `string(${linear}/${el('VideoClicks')}/${el('ClickTracking')})`)).toBe(options.clickTrackingUrl);
    expect(xpath(xml, `string(${linear}/${el('MediaFiles')}/${el('MediaFile')}[2])`)).toBe(
      'https://cdn.example/v-360.webm?x=%5D%5D%3E&y=1',
    );
    expect(xpath(xml, `string(${linear}/${el('MediaFiles')}/${el('MediaFile')}[1]/@bitrate)`)).toBe('2000');
  });

  it('wraps a creative that only has a VAST tag URL, and the wrapper validates', () => {
    const wrapped = { ...ad, video: { durationSeconds: 30, vastTagUrl: 'https://vendor.example/vast?id=1&w=2' } };
    const xml = renderVast(wrapped, options);
    expect(validate(xml).ok).toBe(true);
    expect(xpath(xml, `string(/${el('VAST')}/${el('Ad')}/${el('Wrapper')}/${el('VASTAdTagURI')})`)).toBe(
      'https://vendor.example/vast?id=1&w=2',
    );
    expect(xml).not.toContain('ClickThrough');
  });

  it('answers no ad with an empty VAST 4.2 document, optionally with a root Error', () => {
    const empty = renderVast(null, options);
    expect(empty).toBe('<?xml version="1.0" encoding="UTF-8"?><VAST version="4.2" xmlns="http://www.iab.com/VAST"/>');
    expect(validate(empty).ok).toBe(true);
    const withError = renderVast(null, { ...options, noAdErrorUrl: 'https://ads.example.com/t/noad?c=[ERRORCODE]' });
    expect(validate(withError).ok).toBe(true);
    expect(xpath(withError, `string(/${el('VAST')}/${el('Error')})`)).toBe('https://ads.example.com/t/noad?c=[ERRORCODE]');
  });

  it('passes macros such as [ERRORCODE] to the player verbatim', () => {
    expect(renderVast(ad, options)).toContain('<Error><![CDATA[https://ads.example.com/t/event?type=error&code=[ERRORCODE]]]></Error>');
  });

  it('stays valid whatever the names hold, for any http(s) tracker URL', () => {
    const url = fc.webUrl({ withQueryParameters: true, withFragments: true, validSchemes: ['http', 'https'] });
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string(), url, (title, advertiser, tracker) => {
        const xml = renderVast({ ...ad, title, advertiser, impressionTrackers: [tracker] }, options);
        const result = validate(xml);
        expect(result.ok, result.out).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('uses the element and attribute names of the IAB 4.2 samples', () => {
    const ours = renderVast(ad, options);
    const names = (xml: string) => new Set([...xml.matchAll(/<([A-Za-z]+)[\s>/]/g)].map((m) => m[1]));
    const sampleNames = new Set<string>();
    for (const url of samplesIn('VAST%204.2%20Samples/')) {
      const sample = readFileSync(url, 'utf8');
      expect(validate(sample).ok, url.pathname).toBe(true);
      for (const name of names(sample)) sampleNames.add(name as string);
    }
    // The 4.2 samples have no linear ClickTracking; the 3.0 click-tracking sample does, under the same name.
    const others = [
      ...samplesIn('VAST%204.0%20Samples/'),
      new URL('VAST%203.0%20Samples/Video_Clicks_and_click_tracking-Inline-test.xml', SAMPLES),
    ];
    for (const url of others) for (const name of names(readFileSync(url, 'utf8'))) sampleNames.add(name as string);
    for (const name of names(ours)) expect(sampleNames, `<${name}>`).toContain(name);
  });
});

describe('vastDuration', () => {
  it('formats seconds as HH:MM:SS', () => {
    expect(vastDuration(16)).toBe('00:00:16');
    expect(vastDuration(600)).toBe('00:10:00');
    expect(vastDuration(3725)).toBe('01:02:05');
  });
});

describe('vastUrl', () => {
  it('keeps [MACRO] tokens and encodes other brackets, stray percents and quotes', () => {
    expect(vastUrl('https://a.example/e?c=[ERRORCODE]&t=[TIMESTAMP]')).toBe('https://a.example/e?c=[ERRORCODE]&t=[TIMESTAMP]');
    expect(vastUrl('https://a.example/e?x=[a]&p=50%&q=%20"')).toBe('https://a.example/e?x=%5Ba%5D&p=50%25&q=%20%22');
    expect(vastUrl('javascript:alert(1)')).toBe('about:blank');
  });
});
