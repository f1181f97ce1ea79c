import { AppError, type FieldIssue } from '@adplatform/domain';
import type { FastifyRequest } from 'fastify';
import { MAX_DIMENSION, MAX_IMPRESSION_TRACKERS } from './creatives.schemas.js';

export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;

/** An image creative as the multipart form sent it, checked field by field. */
export interface ImageUpload {
  advertiserId: string;
  name: string;
  width: number;
  height: number;
  clickUrl: string;
  impressionTrackers: string[];
  file: Buffer;
}

const SINGLE_FIELDS = ['advertiserId', 'name', 'format', 'width', 'height', 'clickUrl'] as const;
const REPEATED_FIELD = 'impressionTrackers';
const LIMITS = { fileSize: MAX_UPLOAD_BYTES, files: 2, fields: 20, fieldSize: 4096, parts: 24, headerPairs: 50 };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DIMENSION = /^[1-9][0-9]{0,3}$/;

const refuse = (issues: FieldIssue[]) =>
  new AppError('VALIDATION_FAILED', issues.map((i) => `${i.path} ${i.message}`).join('; '), { issues });

/**
 * Reads a multipart/form-data creative upload. Form fields are text, so each
 * is checked here with the same problem shape the JSON schemas produce; a
 * malformed or truncated body is a 400 and an oversized file a 413, never a 500.
 */
export async function readImageUpload(request: FastifyRequest): Promise<ImageUpload> {
  const { fields, file } = await readParts(request);
  return checkFields(fields, file);
}

async function readParts(request: FastifyRequest): Promise<{ fields: Map<string, string[]>; file: Buffer | undefined }> {
  const fields = new Map<string, string[]>();
  let file: Buffer | undefined;
  try {
    for await (const part of request.parts({ limits: LIMITS })) {
      if (part.type === 'file' && part.fieldname === 'file') {
        if (file) throw refuse([{ path: 'body.file', message: 'must be sent once' }]);
        file = await part.toBuffer();
        continue;
      }
      if (part.type === 'file') part.file.resume();
      if (part.fieldname === 'file') throw refuse([{ path: 'body.file', message: 'must be a file part' }]);
      const known = (SINGLE_FIELDS as readonly string[]).includes(part.fieldname) || part.fieldname === REPEATED_FIELD;
      if (!known || part.type === 'file') throw refuse([{ path: `body.${part.fieldname}`, message: 'is not a known field' }]);
      fields.set(part.fieldname, [...(fields.get(part.fieldname) ?? []), String(part.value)]);
    }
  } catch (error) {
    throw toUploadError(error);
  }
  return { fields, file };
}

function toUploadError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const code = (error as { code?: string }).code;
  if (code === 'FST_REQ_FILE_TOO_LARGE') {
    return new AppError('BODY_TOO_LARGE', `The file exceeds ${MAX_UPLOAD_BYTES} bytes`, {
      issues: [{ path: 'body.file', message: `is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MiB` }],
    });
  }
  if (code === 'FST_PARTS_LIMIT' || code === 'FST_FILES_LIMIT' || code === 'FST_FIELDS_LIMIT') {
    return new AppError('BODY_TOO_LARGE', 'The form has too many parts', { issues: [{ path: 'body', message: 'has too many parts' }] });
  }
  if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') {
    return new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send multipart/form-data or application/json', {
      issues: [{ path: 'headers.content-type', message: 'must be multipart/form-data or application/json' }],
    });
  }
  // Busboy's own errors (truncated body, missing boundary, part terminated early) carry no status.
  return refuse([{ path: 'body', message: 'is not a complete multipart/form-data body' }]);
}

function checkFields(fields: Map<string, string[]>, file: Buffer | undefined): ImageUpload {
  const issues: FieldIssue[] = [];
  const single = (name: string): string | undefined => {
    const values = fields.get(name);
    if (!values) issues.push({ path: `body.${name}`, message: 'is required' });
    else if (values.length > 1) issues.push({ path: `body.${name}`, message: 'must be sent once' });
    return values?.[0];
  };
  const check = (name: string, ok: boolean, message: string) => {
    if (!ok) issues.push({ path: `body.${name}`, message });
  };
  const [advertiserId, name, format, width, height, clickUrl] = SINGLE_FIELDS.map(single);
  if (advertiserId !== undefined) check('advertiserId', UUID.test(advertiserId), 'must match format "uuid"');
  if (name !== undefined) check('name', name.length >= 1 && name.length <= 200, 'must be 1 to 200 characters');
  if (format !== undefined) check('format', format === 'image', 'must be image (send html, native and video creatives as JSON)');
  for (const [field, value] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (value !== undefined)
      check(field, DIMENSION.test(value) && Number(value) <= MAX_DIMENSION, `must be an integer from 1 to ${MAX_DIMENSION}`);
  }
  if (clickUrl !== undefined) check('clickUrl', isUrl(clickUrl, ['http:', 'https:']), 'must be an http or https URL');
  const trackers = fields.get(REPEATED_FIELD) ?? [];
  check(REPEATED_FIELD, trackers.length <= MAX_IMPRESSION_TRACKERS, `must have at most ${MAX_IMPRESSION_TRACKERS} items`);
  for (const [i, url] of trackers.entries()) check(`${REPEATED_FIELD}[${i}]`, isUrl(url, ['https:']), 'must be an https URL');
  if (!file) issues.push({ path: 'body.file', message: 'is required' });
  else if (file.byteLength === 0) issues.push({ path: 'body.file', message: 'is empty' });
  if (issues.length > 0) throw refuse(issues);
  return {
    advertiserId: advertiserId as string,
    name: name as string,
    width: Number(width),
    height: Number(height),
    clickUrl: clickUrl as string,
    impressionTrackers: trackers,
    file: file as Buffer,
  };
}

function isUrl(text: string, protocols: string[]): boolean {
  if (text.length > 2048) return false;
  try {
    return protocols.includes(new URL(text).protocol);
  } catch {
    return false;
  }
}
