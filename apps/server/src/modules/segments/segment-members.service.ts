import { AppError, invalidField } from '@adplatform/domain';
import type { RequestContext } from '../audit/audit-recorder.js';
import type { ChangeMembersBody, ChangeMembersResult, UploadResult } from './segments.schemas.js';
import type { SegmentsService } from './segments.service.js';
import { type ByteSource, parseUpload, type UploadFormat } from './upload-lines.js';
import { userKeyProblem } from './user-keys.js';

export interface SegmentMembersOptions {
  /** Keys per insert (default 5,000). Two batches at most are in memory: one being written, one being filled. */
  batchSize?: number;
  /** Upper bound of one upload in bytes. */
  maxUploadBytes: number;
}

const MAX_REPORTED_ERRORS = 10;

/** Fills segments: streamed CSV/NDJSON uploads for lists, JSON add/remove for programs. */
export class SegmentMembersService {
  constructor(
    private readonly segments: SegmentsService,
    private readonly options: SegmentMembersOptions,
  ) {}

  /**
   * Adds the keys of an upload as it streams in. A refused line is counted and
   * reported with its number, never fatal; batches are committed as they fill,
   * so an upload cut short keeps the batches already written.
   */
  async upload(ctx: RequestContext, id: string, format: UploadFormat | null, source: ByteSource): Promise<UploadResult> {
    const organizationId = ctx.principal.organizationId;
    await this.segments.resources.getResource(ctx, id);
    if (!format) {
      throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Upload members as text/csv or application/x-ndjson', {
        issues: [{ path: 'headers.content-type', message: 'must be text/csv or application/x-ndjson' }],
      });
    }
    const writer = new BatchWriter((keys) => this.segments.members.add(organizationId, id, keys), this.options.batchSize ?? 5_000);
    const result: UploadResult = { added: 0, total: 0, rejected: 0, errors: [] };
    try {
      for await (const item of parseUpload(source, format, { maxBytes: this.options.maxUploadBytes })) {
        if ('key' in item) await writer.push(item.key);
        else {
          result.rejected++;
          if (result.errors.length < MAX_REPORTED_ERRORS) result.errors.push({ line: item.line, message: item.error });
        }
      }
      await writer.close();
    } finally {
      result.added = await writer.settled();
      if (result.added > 0 || result.rejected > 0) {
        await this.segments.recordMembersChange(ctx, id, { added: result.added, removed: 0, rejected: result.rejected });
      }
    }
    result.total = await this.segments.members.count(organizationId, id);
    return result;
  }

  /** Adds then removes keys given as JSON (up to 10,000 each). */
  async change(ctx: RequestContext, id: string, body: ChangeMembersBody): Promise<ChangeMembersResult> {
    const organizationId = ctx.principal.organizationId;
    await this.segments.resources.getResource(ctx, id);
    checkKeys('body.add', body.add ?? []);
    checkKeys('body.remove', body.remove ?? []);
    const added = body.add?.length ? await this.segments.members.add(organizationId, id, body.add) : 0;
    const removed = body.remove?.length ? await this.segments.members.remove(organizationId, id, body.remove) : 0;
    if (added > 0 || removed > 0) await this.segments.recordMembersChange(ctx, id, { added, removed, rejected: 0 });
    return { added, removed, total: await this.segments.members.count(organizationId, id) };
  }
}

function checkKeys(path: string, keys: readonly string[]): void {
  keys.forEach((key, index) => {
    const problem = userKeyProblem(key);
    if (problem) throw invalidField(`${path}[${index}]`, problem.replace('the user key ', ''));
  });
}

/**
 * Collects keys into batches and writes one batch while the next fills, so
 * parsing and the database overlap without more than two batches in memory.
 */
class BatchWriter {
  private batch: string[] = [];
  private inFlight: Promise<number> = Promise.resolve(0);
  private written = 0;

  constructor(
    private readonly write: (keys: string[]) => Promise<number>,
    private readonly size: number,
  ) {}

  async push(key: string): Promise<void> {
    this.batch.push(key);
    if (this.batch.length >= this.size) await this.flush();
  }

  /** Writes the last batch and waits for it; a failed write rejects here. */
  async close(): Promise<void> {
    await this.flush();
    this.written += await this.inFlight;
    this.inFlight = Promise.resolve(0);
  }

  /** What was written, once nothing is in flight (after a failure too; a failed write counts nothing). */
  async settled(): Promise<number> {
    this.written += await this.inFlight.catch(() => 0);
    this.inFlight = Promise.resolve(0);
    return this.written;
  }

  private async flush(): Promise<void> {
    this.written += await this.inFlight;
    const keys = this.batch;
    this.batch = [];
    this.inFlight = keys.length > 0 ? this.write(keys) : Promise.resolve(0);
    // Observed now so a failure while the next batch fills is not an unhandled rejection; awaited in flush/settled.
    this.inFlight.catch(() => undefined);
  }
}
