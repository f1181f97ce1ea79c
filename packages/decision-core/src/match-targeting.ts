import type { Targeting } from '@adplatform/domain';
import type { Check } from './check.js';
import { compileDimensions, type DimensionChecks } from './dimension-checks.js';
import { type PreparedRequest, prepareRequest, type RequestContext } from './request-context.js';

/** Why a line item's targeting does or does not admit a request. */
export type TargetingResult =
  | { readonly ok: true }
  | {
      readonly ok: false;
      /** The first failing dimension: `geo.countries`, `keywords.all`, `dayParts`, `exclude.os`, … */
      readonly dimension: string;
      readonly reason: string;
    };

/** A targeting object compiled once into checks that run in order. Immutable. */
export interface CompiledTargeting {
  readonly checks: readonly Check[];
}

const OK: TargetingResult = Object.freeze({ ok: true });
/** `exclude.os`, and the campaign side's `campaign.exclude.os`. */
const EXCLUSION_NAME = /^(campaign\.)?exclude\./;

/** An exclusion: the request is ruled out when every part of the dimension matches it. */
function exclusion({ dimension, checks }: DimensionChecks): Check {
  return {
    dimension: `exclude.${dimension}`,
    pass: (req) => !checks.every((check) => check.pass(req)),
    seen: (req) => checks.map((check) => check.seen(req)).join(', '),
    wanted: checks.map((check) => `${check.dimension} ${check.wanted}`).join(' and '),
  };
}

/**
 * Compiles a targeting object; `timeZone` is the campaign's IANA zone, used by day-parts.
 * Absent keys and empty lists compile to nothing: they restrict nothing.
 */
export function compileTargeting(targeting: Targeting, timeZone = 'UTC'): CompiledTargeting {
  const include = compileDimensions(targeting, timeZone).flatMap((d) => d.checks);
  const exclude = targeting.exclude ? compileDimensions(targeting.exclude, timeZone).map(exclusion) : [];
  return Object.freeze({ checks: Object.freeze([...include, ...exclude]) });
}

/** The hot-path form: true when every check passes. Allocates nothing. */
export function passesAll(compiled: CompiledTargeting, req: PreparedRequest): boolean {
  const { checks } = compiled;
  for (let i = 0; i < checks.length; i++) if (!checks[i]!.pass(req)) return false;
  return true;
}

/** The explaining form: the first failing dimension with a readable reason. */
export function firstFailure(compiled: CompiledTargeting, req: PreparedRequest): TargetingResult {
  for (const check of compiled.checks) {
    if (check.pass(req)) continue;
    const excluded = EXCLUSION_NAME.test(check.dimension);
    const reason = excluded ? `${check.seen(req)}: excluded by ${check.wanted}` : `${check.seen(req)}: wanted ${check.wanted}`;
    return { ok: false, dimension: check.dimension, reason };
  }
  return OK;
}

/**
 * Does `targeting` admit the request? Compiles on every call: the reference
 * semantics and the "why" tool. The delivery index compiles once instead.
 */
export function matchTargeting(targeting: Targeting, ctx: RequestContext | PreparedRequest, timeZone = 'UTC'): TargetingResult {
  return firstFailure(compileTargeting(targeting, timeZone), prepareRequest(ctx));
}
