/**
 * Small checks over untrusted JSON, shared by the request validators. Each returns the problem as a
 * message (the JSON path first, Prebid Server style) or undefined when the value is acceptable.
 * Paths are only built when something is wrong, so a valid request costs no string work.
 */

import { ISO_CURRENCIES } from './iso-currencies.js';

export type JsonObject = Record<string, unknown>;

export const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

export const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** Own property read that never walks the prototype chain (`__proto__`, `constructor` keys are data). */
export function own(object: JsonObject, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

export function optionalObject(value: unknown, path: () => string): string | undefined {
  if (value === undefined || isObject(value)) return undefined;
  return `${path()} must be an object`;
}

export function optionalString(value: unknown, path: () => string): string | undefined {
  if (value === undefined || typeof value === 'string') return undefined;
  return `${path()} must be a string`;
}

export function optionalStringArray(value: unknown, path: () => string): string | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) return `${path()} must be an array of strings`;
  for (let i = 0; i < value.length; i++) {
    if (typeof value[i] !== 'string') return `${path()}[${i}] must be a string`;
  }
  return undefined;
}

export function optionalIntArray(value: unknown, path: () => string): string | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) return `${path()} must be an array of integers`;
  for (let i = 0; i < value.length; i++) {
    if (!Number.isInteger(value[i])) return `${path()}[${i}] must be an integer`;
  }
  return undefined;
}

/** Absent, or a finite number > 0 (Prebid Server's "must be a positive number"; 0 is refused too). */
export function optionalPositive(value: unknown, path: () => string): string | undefined {
  if (value === undefined) return undefined;
  return isNumber(value) && value > 0 ? undefined : `${path()} must be a positive number`;
}

/** Absent, or a finite number ≥ 0. */
export function optionalNonNegative(value: unknown, path: () => string): string | undefined {
  if (value === undefined) return undefined;
  return isNumber(value) && value >= 0 ? undefined : `${path()} must be a non-negative number`;
}

export function optionalFlag(value: unknown, path: () => string): string | undefined {
  if (value === undefined || value === 0 || value === 1) return undefined;
  return `${path()} must be either 0 or 1`;
}

export function optionalInteger(value: unknown, path: () => string): string | undefined {
  if (value === undefined || Number.isSafeInteger(value)) return undefined;
  return `${path()} must be an integer`;
}

export function optionalNumber(value: unknown, path: () => string): string | undefined {
  return value === undefined || isNumber(value) ? undefined : `${path()} must be a number`;
}

export function optionalNumberIn(value: unknown, min: number, max: number, path: () => string): string | undefined {
  if (value === undefined) return undefined;
  return isNumber(value) && value >= min && value <= max ? undefined : `${path()} must be a number between ${min} and ${max}`;
}

export const isCurrency = (value: unknown): value is string => typeof value === 'string' && ISO_CURRENCIES.has(value);

export function optionalCurrency(value: unknown, path: () => string): string | undefined {
  if (value === undefined || isCurrency(value)) return undefined;
  return `${path()} must be an ISO 4217 currency code`;
}

export const missing = (path: string, field: string): string => `${path} missing required field: "${field}"`;

/** Runs checks in order and returns the first problem. */
export function firstProblem(...problems: (() => string | undefined)[]): string | undefined {
  for (const check of problems) {
    const problem = check();
    if (problem !== undefined) return problem;
  }
  return undefined;
}
