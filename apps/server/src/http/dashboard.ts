import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { AppError } from '@adplatform/domain';
import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * The dashboard (apps/dashboard, a SolidJS single-page app built by Vite into
 * its dist/) served at `/` by the same process. Hashed bundles under `/ui/`
 * are immutable; index.html and the rest are revalidated (no-cache), and any
 * other GET that is not an API, delivery or tracking path answers index.html
 * so client-side routes survive a reload. Without a build, a page says how to
 * make one; unknown API paths keep their problem+json 404.
 */
export interface DashboardOptions {
  /** The built app; default apps/dashboard/dist of the installed workspace. */
  distDir?: string;
}

interface StaticFile {
  body: Buffer;
  type: string;
  etag: string;
  immutable: boolean;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};
/** Paths that belong to the API, delivery, tracking and operations: never the app's HTML. */
const NOT_THE_APP = /^\/(?:api|v1|t|assets|openrtb2|docs|metrics|healthz|readyz|openapi\.json)(?:[/?.]|$)/;
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob: https:",
  "frame-src 'self'",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

export function defaultDistDir(): string | null {
  try {
    // Resolved through the package name, so it holds for the sources and for the CLI bundle.
    return path.join(path.dirname(createRequire(import.meta.url).resolve('@adplatform/dashboard/package.json')), 'dist');
  } catch {
    return null;
  }
}

function loadDist(dir: string): Map<string, StaticFile> | null {
  if (!existsSync(path.join(dir, 'index.html'))) return null;
  const files = new Map<string, StaticFile>();
  const walk = (sub: string) => {
    for (const name of readdirSync(path.join(dir, sub))) {
      const relative = path.posix.join(sub, name);
      const full = path.join(dir, relative);
      if (statSync(full).isDirectory()) walk(relative);
      else {
        const body = readFileSync(full);
        files.set(`/${relative}`, {
          body,
          type: TYPES[path.extname(name)] ?? 'application/octet-stream',
          etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
          immutable: relative.startsWith('ui/'),
        });
      }
    }
  };
  walk('');
  return files;
}

const MISSING_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>AdPlatform: dashboard not built</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#1f2937">
<h1>The dashboard is not built</h1>
<p>The server is running, but the dashboard's files (<code>apps/dashboard/dist</code>) are missing.
Build them with <code>npm start</code> (it builds before serving) or <code>npm run build -w @adplatform/dashboard</code>, then reload.</p>
<p>The API works meanwhile: reference at <a href="/docs">/docs</a>, health at <a href="/readyz">/readyz</a>.</p></body></html>`;

export async function dashboardRoutes(app: FastifyInstance, options: DashboardOptions): Promise<void> {
  const dir = options.distDir ?? defaultDistDir();
  let files: Map<string, StaticFile> | null = null;
  // Read once when present; while missing, look again on each request (a build may land later).
  const current = () => {
    if (!files && dir) files = loadDist(dir);
    return files;
  };

  const send = (reply: FastifyReply, file: StaticFile, ifNoneMatch: string | undefined) => {
    reply.header('etag', file.etag);
    reply.header('cache-control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    reply.header('x-content-type-options', 'nosniff');
    if (file.type.startsWith('text/html')) {
      reply.header('content-security-policy', CSP);
      reply.header('referrer-policy', 'same-origin');
    }
    if (ifNoneMatch === file.etag) return reply.status(304).send();
    return reply.type(file.type).send(file.body);
  };

  app.get('/*', { config: { access: { public: true }, rateLimit: false }, schema: { hide: true } }, async (request, reply) => {
    const url = request.url.split('?')[0] ?? '/';
    if (NOT_THE_APP.test(url)) throw new AppError('NOT_FOUND', 'Not found');
    const dist = current();
    if (!dist) return reply.status(503).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(MISSING_PAGE);
    const etag = request.headers['if-none-match'];
    const file = dist.get(decodeURIComponent(url));
    if (file) return send(reply, file, etag);
    // A missing file (an old bundle name, a typo) is a 404; a path without an extension is a client route.
    if (/\.[a-z0-9]+$/i.test(url) || url.startsWith('/ui/')) throw new AppError('NOT_FOUND', 'Not found');
    const index = dist.get('/index.html');
    if (!index) throw new AppError('NOT_FOUND', 'Not found');
    return send(reply, index, etag);
  });
}
