import { isObject, type JsonObject, own } from './json-checks.js';
import type { BidRequest } from './openrtb-types.js';

/**
 * Up-converts the 2.5 locations of fields that 2.6 moved out of `ext` (regs.ext.gdpr → regs.gdpr,
 * regs.ext.us_privacy, user.ext.consent, user.ext.eids, source.ext.schain) and stringifies a native
 * request sent as an object. A 2.6 field already present wins. Copies what it changes; never mutates
 * the input. Idempotent: normalizing a normalized request changes nothing.
 */
export function normalizeRequest(request: BidRequest): BidRequest {
  let out: BidRequest = request;
  const regs = liftFromExt(request.regs, ['gdpr', 'us_privacy']);
  if (regs !== request.regs) out = { ...out, regs: regs as BidRequest['regs'] };
  const user = liftFromExt(request.user, ['consent', 'eids']);
  if (user !== request.user) out = { ...out, user: user as BidRequest['user'] };
  const source = liftFromExt(request.source, ['schain']);
  if (source !== request.source) out = { ...out, source: source as BidRequest['source'] };
  let imps: BidRequest['imp'] | undefined;
  request.imp.forEach((imp, i) => {
    const native = imp.native;
    if (native === undefined || typeof native.request === 'string') return;
    imps ??= [...request.imp];
    imps[i] = { ...imp, native: { ...native, request: JSON.stringify(native.request) } };
  });
  if (imps) out = { ...out, imp: imps };
  return out;
}

function liftFromExt(object: JsonObject | undefined, fields: readonly string[]): JsonObject | undefined {
  if (!isObject(object)) return object;
  const ext = own(object, 'ext');
  if (!isObject(ext)) return object;
  let out: JsonObject | undefined;
  for (const field of fields) {
    const value = own(ext, field);
    if (value === undefined || own(object, field) !== undefined) continue;
    out ??= { ...object };
    out[field] = value;
  }
  return out ?? object;
}
