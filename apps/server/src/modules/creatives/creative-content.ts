import { AppError, type FieldIssue } from '@adplatform/domain';
import type { CreativeData, UpdateCreativeBody } from './creatives.schemas.js';

/** What review looks at: everything but the name. */
export type CreativeContent = Omit<UpdateCreativeBody, 'name'>;

const BODIES = ['html', 'native', 'video'] as const;

/**
 * The rules a schema cannot say: each format has its own body and only that
 * one; html needs a size; a video wraps a VAST tag or lists media files.
 * Throws VALIDATION_FAILED naming every offending field.
 */
export function checkContent(data: CreativeData): void {
  const issues = contentIssues(data);
  if (issues.length > 0) throw new AppError('VALIDATION_FAILED', issues.map((i) => `${i.path} ${i.message}`).join('; '), { issues });
}

function contentIssues(data: CreativeData): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const add = (path: string, message: string) => issues.push({ path: `body.${path}`, message });
  for (const body of BODIES) {
    if (body === data.format && data[body] === undefined) add(body, `is required for ${body} creatives`);
    if (body !== data.format && data[body] !== undefined) add(body, `is only for ${body} creatives`);
  }
  if ((data.width === undefined) !== (data.height === undefined))
    add(data.width === undefined ? 'width' : 'height', 'is required with the other dimension');
  else if (data.format === 'html' && data.width === undefined) add('width', 'is required for html creatives');
  const video = data.video;
  if (video && (video.vastTagUrl === undefined) === (video.mediaFiles === undefined)) {
    add('video', 'must have either vastTagUrl or mediaFiles');
  }
  return issues;
}

/**
 * The body after a PATCH of reviewed content, or undefined when the patch
 * changes nothing a reviewer looks at. An image's size is its file's, so it
 * cannot be patched.
 */
export function reviewedChange(current: CreativeData, content: CreativeContent): CreativeData | undefined {
  if (current.format === 'image') {
    for (const field of ['width', 'height', ...BODIES] as const) {
      if (content[field] !== undefined) throw fieldError(field, 'cannot change on an image creative; upload a new creative instead');
    }
  }
  const changed = Object.entries(content).filter(
    ([key, value]) => value !== undefined && JSON.stringify(value) !== JSON.stringify(current[key as keyof CreativeData]),
  );
  if (changed.length === 0) return undefined;
  const { rejectionReason: _cleared, ...rest } = current;
  const next: CreativeData = { ...rest, ...Object.fromEntries(changed) };
  if (next.format !== 'image') checkContent(next);
  return next;
}

const fieldError = (field: string, message: string) =>
  new AppError('VALIDATION_FAILED', `body.${field} ${message}`, { issues: [{ path: `body.${field}`, message }] });
