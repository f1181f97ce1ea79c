import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { gunzip } from 'node:zlib';
import ipaddr from 'ipaddr.js';
import { isPublicAddress } from '../../http/outbound.js';

/**
 * The HTTP client of the exchange's outbound calls (bid requests, win, loss
 * and billing notices): pooled keep-alive sockets per origin with a bounded
 * pool, gzip both ways, a cap on response size, and the SSRF guard applied at
 * connect time. The guard runs inside the socket's DNS lookup, so the address
 * checked is the address connected to (no window for a DNS answer to change
 * in between); a literal IP host is checked before the request.
 */
export type OutboundFailure = 'timeout' | 'unreachable' | 'refused-address' | 'too-large' | 'error';

export class OutboundError extends Error {
  override readonly name = 'OutboundError';
  constructor(
    readonly kind: OutboundFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface OutboundClientOptions {
  /** ADPLATFORM_ALLOW_PRIVATE_OUTBOUND: loopback, private and link-local targets are allowed. */
  allowPrivate: boolean;
  /** Sockets open at once to one origin; further requests queue for one. Default 64. */
  maxSocketsPerOrigin?: number;
  /** Sockets open at once over all origins. Default 1024. */
  maxTotalSockets?: number;
  /** Idle keep-alive sockets kept per origin. Default 32. */
  maxFreeSocketsPerOrigin?: number;
  /** An idle keep-alive socket is closed after this. Default 30 s. */
  idleSocketMs?: number;
  /** Largest response body accepted, compressed and after gunzip. Default 1 MiB. */
  maxResponseBytes?: number;
}

export interface OutboundRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  /** Sent as is (already gzipped when its headers say so). */
  body?: Buffer;
  /** Aborting it destroys the socket (it never returns to the pool) and rejects with `timeout`. */
  signal: AbortSignal;
}

export interface OutboundResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** Gunzipped when the response said `Content-Encoding: gzip`. */
  body: Buffer;
}

export interface OutboundClient {
  request(request: OutboundRequest): Promise<OutboundResponse>;
  /** Open sockets (in use + idle), for tests and metrics. */
  sockets(): { active: number; idle: number };
  /** Destroys every socket. */
  close(): void;
}

const REFUSED = 'ADP_ADDRESS_REFUSED';
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export function createOutboundClient(options: OutboundClientOptions): OutboundClient {
  const agentOptions = {
    keepAlive: true,
    maxSockets: options.maxSocketsPerOrigin ?? 64,
    maxTotalSockets: options.maxTotalSockets ?? 1024,
    maxFreeSockets: options.maxFreeSocketsPerOrigin ?? 32,
    timeout: options.idleSocketMs ?? 30_000,
    scheduling: 'lifo' as const,
  };
  const httpAgent = new http.Agent(agentOptions);
  const httpsAgent = new https.Agent(agentOptions);
  const maxBytes = options.maxResponseBytes ?? 1_048_576;
  const lookup = guardedLookup(options.allowPrivate);

  const request = (req: OutboundRequest): Promise<OutboundResponse> => {
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      return Promise.reject(new OutboundError('error', 'not a valid URL'));
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return Promise.reject(new OutboundError('error', 'not an http(s) URL'));
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    if (!options.allowPrivate && ipaddr.isValid(host) && !isPublicAddress(host)) {
      return Promise.reject(new OutboundError('refused-address', `${host} is not a public address`));
    }
    if (req.signal.aborted) return Promise.reject(new OutboundError('timeout', 'deadline passed before the call'));
    const isHttps = url.protocol === 'https:';
    return new Promise<OutboundResponse>((resolve, reject) => {
      let settled = false;
      const fail = (error: OutboundError) => {
        if (settled) return;
        settled = true;
        reject(error);
      };
      const call = (isHttps ? https : http).request(url, {
        method: req.method,
        agent: isHttps ? httpsAgent : httpAgent,
        headers: { ...req.headers, ...(req.body ? { 'content-length': String(req.body.length) } : {}) },
        lookup,
        signal: req.signal,
      });
      call.on('error', (error) => fail(classify(error, req.signal)));
      call.on('response', (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            call.destroy();
            fail(new OutboundError('too-large', `response body over ${maxBytes} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        response.on('error', (error) => fail(classify(error, req.signal)));
        response.on('end', () => {
          if (settled) return;
          const raw = Buffer.concat(chunks);
          const done = (body: Buffer) => {
            if (settled) return;
            settled = true;
            resolve({ status: response.statusCode ?? 0, headers: response.headers, body });
          };
          if (response.headers['content-encoding'] !== 'gzip' || raw.length === 0) return done(raw);
          gunzip(raw, { maxOutputLength: maxBytes }, (error, body) => {
            if (error)
              fail(
                new OutboundError(
                  (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' ? 'too-large' : 'error',
                  'bad gzip body',
                ),
              );
            else done(body);
          });
        });
      });
      call.end(req.body);
    });
  };

  const count = (record: NodeJS.ReadOnlyDict<unknown[]>) => Object.values(record).reduce((n, list) => n + (list?.length ?? 0), 0);
  return {
    request,
    sockets: () => ({
      active: count(httpAgent.sockets) + count(httpsAgent.sockets),
      idle: count(httpAgent.freeSockets) + count(httpsAgent.freeSockets),
    }),
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

/** DNS for the sockets: every address must be public unless private outbound is allowed. */
function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, lookupOptions, callback) => {
    dnsLookup(hostname, { all: true, verbatim: true, family: lookupOptions.family ?? 0 }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const refused = allowPrivate ? undefined : addresses.find((a) => !isPublicAddress(a.address));
      if (refused || addresses.length === 0) {
        const refusal = Object.assign(new Error(`${hostname} resolves to ${refused?.address ?? 'nothing'}, not a public address`), {
          code: REFUSED,
        });
        return callback(refusal, '', 0);
      }
      if (lookupOptions.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0]!;
      callback(null, first.address, first.family);
    });
  };
}

function classify(error: Error & { code?: string }, signal: AbortSignal): OutboundError {
  if (signal.aborted || error.name === 'AbortError') return new OutboundError('timeout', 'deadline reached');
  if (error.code === REFUSED) return new OutboundError('refused-address', error.message);
  if (error.code && UNREACHABLE.has(error.code)) return new OutboundError('unreachable', error.code);
  return new OutboundError('error', error.code ?? error.message);
}
