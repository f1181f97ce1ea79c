import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pathOfMessage } from '../src/openrtb/openrtb-errors.js';
import { createHarness, type Harness } from './harness.js';

/**
 * Every request fixture of ../shared/fixtures through POST /openrtb2/auction: valid → not 400 (no
 * placement of ours is named, so 204), invalid → 400 whose message names the field Prebid Server names
 * (ours is the same path, or a prefix/extension of it). Fixtures read in place, never copied.
 */
const ROOT = path.resolve(import.meta.dirname, '../../../../shared/fixtures');
const PREBID = path.join(ROOT, 'prebid-server/endpoints/openrtb2/sample-requests');

function filesUnder(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const file = path.join(dir, name);
      return statSync(file).isDirectory() ? filesUnder(file) : [file];
    })
    .filter((file) => file.endsWith('.json'))
    .sort();
}

/** Prebid-policy cases we do not adopt: the status we answer instead, and why. */
const EXCEPTIONS: Record<string, { status: number; reason: string }> = {
  'account-required/no-account/required-no-acct.json': {
    status: 204,
    reason:
      'Prebid Server host policy "account required": we identify the publisher by its placements (tagid / stored request), not by an account id',
  },
  'account-required/with-account/required-disabled-acct.json': {
    status: 204,
    reason: 'Prebid Server host account blocklist (503): no such host setting here; an unknown publisher simply gets no bid',
  },
  'blocked/blocked-app.json': {
    status: 204,
    reason: 'Prebid Server host app blocklist (503): no such host setting here; an unknown app gets no bid',
  },
  'account-malformed/malformed-acct.json': {
    status: 204,
    reason: 'Prebid Server 500 for a malformed host account config: there is no host account config here',
  },
};

/** Published examples whose native request is a "..." placeholder, not a Native request: refused as invalid, as Prebid Server would. */
const PLACEHOLDER_NATIVE = new Set([
  'mxmcherry-openrtb/openrtb2/testdata/bid-request/2.5/native-ad.json',
  'bsm-openrtb/testdata/breq.native.json',
]);

interface PrebidCase {
  name: string;
  body: unknown;
  expectedStatus: number;
  expectedMessage?: string;
}

const prebidCases: PrebidCase[] = filesUnder(PREBID).map((file) => {
  const json = JSON.parse(readFileSync(file, 'utf8'));
  return {
    name: path.relative(PREBID, file),
    body: json.mockBidRequest,
    expectedStatus: json.expectedReturnCode,
    expectedMessage: json.expectedErrorMessage,
  };
});

const plainRequests = [
  ...filesUnder(path.join(ROOT, 'iab-openrtb2.x')).filter((f) => f.endsWith('.request.json') && !f.includes('invalid-as-published')),
  ...filesUnder(path.join(ROOT, 'mxmcherry-openrtb/openrtb2/testdata/bid-request')),
  ...filesUnder(path.join(ROOT, 'bsm-openrtb/testdata')).filter((f) => path.basename(f).startsWith('breq.')),
].map((file) => ({ name: path.relative(ROOT, file), body: JSON.parse(readFileSync(file, 'utf8')) }));

/** The JSON path Prebid Server's message names (its `req.` spelled `request.`, its `Request imp[0]` as `request.imp[0]`). */
function prebidPath(message: string): string | undefined {
  const text = message
    .replace(/^Invalid request: /, '')
    .replace(/^req\./, 'request.')
    .replace(/^Request imp/, 'request.imp');
  return /^request[.[]/.test(text) || text.startsWith('No more than one') ? pathOfMessage(text) : undefined;
}

const related = (a: string, b: string) =>
  a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`) || a.startsWith(`${b}[`) || b.startsWith(`${a}[`);

describe('OpenRTB request fixtures through POST /openrtb2/auction', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => h.close());

  const auction = (body: unknown) =>
    h.app.inject({
      method: 'POST',
      url: '/openrtb2/auction',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });

  it('covers the fixture sets (counts in the final report)', () => {
    const valid =
      prebidCases.filter((c) => c.expectedStatus !== 400 && !EXCEPTIONS[c.name]).length + plainRequests.length - PLACEHOLDER_NATIVE.size;
    const invalid = prebidCases.filter((c) => c.expectedStatus === 400 && !EXCEPTIONS[c.name]).length + PLACEHOLDER_NATIVE.size;
    expect({ valid, invalid, exceptions: Object.keys(EXCEPTIONS).length }).toEqual({ valid: 53, invalid: 40, exceptions: 4 });
  });

  it.each(prebidCases)('prebid-server $name', async ({ name, body, expectedStatus, expectedMessage }) => {
    const response = await auction(body);
    const exception = EXCEPTIONS[name];
    if (exception) {
      expect(response.statusCode, exception.reason).toBe(exception.status);
      return;
    }
    if (expectedStatus !== 400) {
      expect(response.statusCode, response.body).not.toBe(400);
      expect(response.statusCode).toBeLessThan(500);
      return;
    }
    expect(response.statusCode, response.body).toBe(400);
    const problem = response.json();
    expect(problem.detail).toMatch(/^Invalid request: /);
    const ours = problem.errors[0].path as string;
    expect(ours).toMatch(/^request/);
    const theirs = expectedMessage ? prebidPath(expectedMessage) : undefined;
    if (theirs) expect(related(ours, theirs), `${ours} vs ${theirs}`).toBe(true);
  });

  it.each(plainRequests)('$name', async ({ name, body }) => {
    const response = await auction(body);
    if (PLACEHOLDER_NATIVE.has(name)) {
      expect(response.statusCode).toBe(400);
      expect(response.json().errors[0].path).toBe('request.imp[0].native.request');
      return;
    }
    expect(response.statusCode, response.body).toBe(204);
  });
});

describe('POST /openrtb2/auction under hostile bodies', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => h.close());

  const seeds = [...prebidCases.filter((c) => c.expectedStatus === 200).map((c) => c.body), ...plainRequests.map((r) => r.body)];
  const hostile = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.constantFrom(null, true, 0, -1, 1e308, Number.MAX_SAFE_INTEGER + 2, '', '__proto__'),
      fc.string(),
      fc.array(tie('value'), { maxLength: 3 }),
      fc.dictionary(
        fc.constantFrom('__proto__', 'constructor', 'imp', 'id', 'banner', 'format', 'w', 'ext', 'prebid', 'targeting'),
        tie('value'),
        { maxKeys: 4 },
      ),
    ),
  })).value;

  it('never answers 5xx to mutated fixtures, prototype keys or deep nesting', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...seeds),
        fc.constantFrom('imp', 'site', 'device', 'user', 'regs', 'ext', 'tmax', 'cur', 'source', '__proto__'),
        hostile,
        async (seed, key, value) => {
          const body = `${JSON.stringify(seed).slice(0, -1)},${JSON.stringify(key)}:${JSON.stringify(value ?? null)}}`;
          const response = await h.app.inject({
            method: 'POST',
            url: '/openrtb2/auction',
            headers: { 'content-type': 'application/json' },
            payload: body,
          });
          expect(response.statusCode).toBeLessThan(500);
        },
      ),
      { numRuns: 150 },
    );
    const deep = `${'{"ext":'.repeat(5000)}{}${'}'.repeat(5000)}`;
    const nested = await h.app.inject({
      method: 'POST',
      url: '/openrtb2/auction',
      headers: { 'content-type': 'application/json' },
      payload: `{"id":"x","imp":[{"id":"1","banner":{"w":1,"h":1},"ext":${deep}}],"site":{"page":"p"}}`,
    });
    expect(nested.statusCode).toBe(204);
    const huge = await h.app.inject({
      method: 'POST',
      url: '/openrtb2/auction',
      headers: { 'content-type': 'application/json' },
      payload: '{"id":"x","imp":[{"id":"1","banner":{"w":1e400,"h":1}}],"site":{"page":"p"}}',
    });
    expect(huge.statusCode).toBe(400);
  });
});
