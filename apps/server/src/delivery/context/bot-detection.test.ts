import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isBotUserAgent } from './bot-detection.js';

// Shared fixtures, read in place (see /work/shared/fixtures/SOURCES.md).
const FIXTURES = new URL('../../../../../../shared/fixtures/', import.meta.url);
const readFixture = (path: string) => readFileSync(new URL(path, FIXTURES), 'utf8');

const crawlers: { instances: string[] }[] = JSON.parse(readFixture('crawler-user-agents/crawler-user-agents.json'));
const botUserAgents = crawlers.flatMap((c) => c.instances);
const topUserAgents: string[] = JSON.parse(readFixture('top-user-agents/src/index.json'));
// The file is prose with the user agents indented under version headings.
const firefoxUserAgents = readFixture('uap-core/test_resources/firefox_user_agent_strings.txt')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line.startsWith('Mozilla/'));

describe('isBotUserAgent', () => {
  it('flags none of the 100 most common real browser user agents', () => {
    expect(topUserAgents.filter(isBotUserAgent)).toEqual([]);
  });

  it('flags none of uap-core’s real Firefox user agents (FirePHP included, which COUNTER’s list gets wrong)', () => {
    expect(firefoxUserAgents.length).toBeGreaterThan(250);
    expect(firefoxUserAgents.filter(isBotUserAgent)).toEqual([]);
  });

  it('flags at least 95% of crawler-user-agents’ 2,116 example crawler user agents (97.3% when written)', () => {
    expect(botUserAgents.length).toBeGreaterThan(2_000);
    const caught = botUserAgents.filter(isBotUserAgent).length;
    expect(caught / botUserAgents.length).toBeGreaterThanOrEqual(0.95);
  });

  it('flags the big search and AI crawlers, HTTP libraries and an empty user agent', () => {
    for (const ua of [
      'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
      'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36',
      'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)',
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36',
      'curl/8.5.0',
      'python-requests/2.31.0',
      'Go-http-client/1.1',
      '',
    ]) {
      expect(isBotUserAgent(ua), ua).toBe(true);
    }
  });

  it('does not take a Cubot phone for a bot', () => {
    expect(
      isBotUserAgent(
        'Mozilla/5.0 (Linux; Android 10; CUBOT_X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36',
      ),
    ).toBe(false);
  });
});
