import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCsvValue, parseUpload, readLines } from '../src/modules/segments/upload-lines.js';

const collect = async <T>(items: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
};
const bytes = (...chunks: string[]) => chunks.map((c) => Buffer.from(c));

describe('segment upload parsing', () => {
  it('numbers lines across chunk boundaries, CRLF included, and a last line without a newline', async () => {
    const lines = await collect(readLines(bytes('a\r\nb', 'c\n\nd'), { maxBytes: 100 }));
    expect(lines).toEqual([
      { line: 1, text: 'a' },
      { line: 2, text: 'bc' },
      { line: 3, text: '' },
      { line: 4, text: 'd' },
    ]);
  });

  it('decodes UTF-8 split between chunks', async () => {
    const euro = Buffer.from('€\n');
    const lines = await collect(readLines([euro.subarray(0, 1), euro.subarray(1)], { maxBytes: 100 }));
    expect(lines).toEqual([{ line: 1, text: '€' }]);
  });

  it('reports an over-long line without buffering it, and carries on', async () => {
    const items = await collect(parseUpload(bytes('ok1\n', 'x'.repeat(5000), 'y'.repeat(5000), '\nok2\n'), 'csv', { maxBytes: 1e6 }));
    expect(items).toEqual([
      { line: 1, key: 'ok1' },
      { line: 2, error: 'the line is too long' },
      { line: 3, key: 'ok2' },
    ]);
  });

  it('fails with BODY_TOO_LARGE past the byte limit', async () => {
    await expect(collect(parseUpload(bytes('a\n', 'b\n', 'c\n'), 'csv', { maxBytes: 4 }))).rejects.toMatchObject({
      code: 'BODY_TOO_LARGE',
    });
  });

  it('skips a user_key header only on the first line', async () => {
    const items = await collect(parseUpload(bytes('"USER_KEY"\nu1\nuser_key\n'), 'csv', { maxBytes: 1e6 }));
    expect(items).toEqual([
      { line: 2, key: 'u1' },
      { line: 3, key: 'user_key' },
    ]);
  });

  it('reads back any key quoted the CSV way (property)', () => {
    const key = fc.string({ minLength: 1, maxLength: 256, unit: 'grapheme' }).filter((k) => !/[\p{Cc}]/u.test(k));
    fc.assert(
      fc.property(key, (k) => {
        expect(parseCsvValue(`"${k.replaceAll('"', '""')}"`)).toEqual({ key: k });
      }),
    );
  });

  it.each([
    ['a,b', 'expected one value per line'],
    ['"a",b', 'expected one value per line'],
    ['"a"b', 'text after a closing quote'],
    ['a"b', 'a quote inside an unquoted value'],
    ['"abc', 'an unterminated quoted value'],
  ])('refuses the CSV line %s', (line, error) => {
    expect(parseCsvValue(line)).toEqual({ error });
  });
});
