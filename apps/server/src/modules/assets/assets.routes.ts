import { AppError } from '@adplatform/domain';
import { type BlobStore, contentTypeOfBlobKey } from '@adplatform/ports';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';

const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * Creative assets by content hash, for anyone (ad tags on publishers' pages, a
 * CDN in front). A name's bytes never change, so the ETag is the hash and the
 * response may be cached forever. Only image types exist here: markup is never
 * served from this origin.
 */
export const assetsRoutes: FastifyPluginAsyncTypebox<{ blobs: BlobStore }> = async (app, { blobs }) => {
  // HEAD is declared, not derived from GET, so it answers from the file's size without opening it.
  app.route({
    method: ['GET', 'HEAD'],
    url: '/assets/:file',
    // Immutable, cheap, fetched once per ad view and usually from a CDN: not rate-limited, like the probes.
    config: { access: { public: true }, rateLimit: false },
    schema: {
      tags: ['assets'],
      summary: 'A creative asset (`<sha256>.<ext>`), immutable; answers If-None-Match with 304',
      params: Type.Object({ file: Type.String({ maxLength: 100 }) }),
      description:
        'The bytes of a PNG, JPEG, GIF or WebP asset named in a creative, with a strong ETag (the hash) and `Cache-Control: public, max-age=31536000, immutable`. Unknown and malformed names are 404.',
    },
    handler: async (request, reply) => {
      const key = request.params.file;
      // Malformed names are simply unknown: 404, like a name that was never stored.
      if (!contentTypeOfBlobKey(key)) throw new AppError('NOT_FOUND', 'asset not found');
      const etag = `"${key.slice(0, 64)}"`;
      const notModified = matches(request.headers['if-none-match'], etag);
      const blob = request.method === 'GET' && !notModified ? await blobs.get(key) : await blobs.head(key);
      if (!blob) throw new AppError('NOT_FOUND', 'asset not found');
      reply.header('etag', etag).header('cache-control', IMMUTABLE).header('x-content-type-options', 'nosniff');
      // Images are embedded on publishers' pages, so other origins may load them.
      reply.header('cross-origin-resource-policy', 'cross-origin');
      if (notModified) return reply.status(304).send();
      reply.type(blob.contentType).header('content-length', String(blob.sizeBytes));
      return 'body' in blob ? reply.send(blob.body) : reply.send();
    },
  });
};

/** RFC 9110 If-None-Match: `*` or a list of entity tags, compared weakly. */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed.replace(/^W\//, '') === etag;
  });
}
