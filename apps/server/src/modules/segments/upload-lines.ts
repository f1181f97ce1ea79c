import { AppError } from '@adplatform/domain';
import { USER_KEY_MAX_CHARS, userKeyProblem } from './user-keys.js';

export type UploadFormat = 'csv' | 'ndjson';

/** The request body: a stream of chunks (or, for an empty body, nothing). */
export type ByteSource = AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;

/** One line of an upload: a user key, or why the line was refused. Blank lines and a CSV header yield nothing. */
export type UploadItem = { line: number; key: string } | { line: number; error: string };

export interface ReadLimits {
  /** The upload as a whole; past it the read fails with BODY_TOO_LARGE (batches already written stay). */
  maxBytes: number;
}

// Generous for a 256-character key in JSON with escapes; anything longer is refused without being kept.
const MAX_LINE_CHARS = USER_KEY_MAX_CHARS * 6 + 64;

/**
 * Splits a byte stream into numbered lines as it arrives (`\n` or `\r\n`),
 * holding at most one line in memory: an over-long line is reported, not buffered.
 */
export async function* readLines(source: ByteSource, limits: ReadLimits): AsyncGenerator<{ line: number; text: string | null }> {
  const decoder = new TextDecoder('utf-8');
  let carry = '';
  let overflow = false;
  let line = 0;
  let bytes = 0;
  for await (const chunk of source) {
    bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
    if (bytes > limits.maxBytes) {
      throw new AppError('BODY_TOO_LARGE', `The upload exceeds ${limits.maxBytes} bytes`, {
        issues: [{ path: 'body', message: 'is too large' }],
      });
    }
    const parts = (carry + (typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }))).split('\n');
    carry = parts.pop() ?? '';
    for (const part of parts) {
      line++;
      yield { line, text: overflow || part.length > MAX_LINE_CHARS ? null : part.replace(/\r$/, '') };
      overflow = false;
    }
    if (carry.length > MAX_LINE_CHARS) {
      overflow = true;
      carry = '';
    }
  }
  carry += decoder.decode();
  if (carry.length > 0 || overflow) yield { line: line + 1, text: overflow ? null : carry.replace(/\r$/, '') };
}

/** User keys (or refusals) from an upload in either format, line by line. */
export async function* parseUpload(source: ByteSource, format: UploadFormat, limits: ReadLimits): AsyncGenerator<UploadItem> {
  let seenData = false;
  for await (const { line, text } of readLines(source, limits)) {
    if (text === null) {
      yield { line, error: 'the line is too long' };
      continue;
    }
    if (text.trim() === '') continue;
    const parsed = format === 'csv' ? parseCsvValue(text) : parseNdjsonValue(text);
    const first = !seenData;
    seenData = true;
    if ('error' in parsed) yield { line, error: parsed.error };
    else if (first && format === 'csv' && parsed.key.toLowerCase() === 'user_key') continue;
    else {
      const problem = userKeyProblem(parsed.key);
      yield problem ? { line, error: problem } : { line, key: parsed.key };
    }
  }
}

/** One CSV field per line: bare, or in double quotes with `""` for a quote. */
export function parseCsvValue(text: string): { key: string } | { error: string } {
  if (!text.startsWith('"')) {
    if (text.includes(',')) return { error: 'expected one value per line' };
    if (text.includes('"')) return { error: 'a quote inside an unquoted value' };
    return { key: text };
  }
  let key = '';
  for (let i = 1; i < text.length; i++) {
    const char = text[i];
    if (char !== '"') {
      key += char;
    } else if (text[i + 1] === '"') {
      key += '"';
      i++;
    } else {
      return i === text.length - 1
        ? { key }
        : { error: text[i + 1] === ',' ? 'expected one value per line' : 'text after a closing quote' };
    }
  }
  return { error: 'an unterminated quoted value' };
}

/** `{"userKey": "…"}` per line; other properties are ignored. */
export function parseNdjsonValue(text: string): { key: string } | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { error: 'not valid JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { error: 'expected a JSON object with a userKey' };
  const key = (value as { userKey?: unknown }).userKey;
  return typeof key === 'string' ? { key } : { error: 'userKey is missing or not a string' };
}
