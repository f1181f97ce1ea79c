import type { PreparedRequest } from './request-context.js';

/**
 * One compiled test of a targeting dimension (or one part of it: `keywords.all`).
 * `pass` is the hot path and allocates nothing; `seen` and `wanted` only build
 * the explanation once an item has failed.
 */
export interface Check {
  readonly dimension: string;
  pass(req: PreparedRequest): boolean;
  seen(req: PreparedRequest): string;
  readonly wanted: string;
}

export const nonEmpty = (list: readonly unknown[] | undefined): list is readonly unknown[] => list !== undefined && list.length > 0;
export const quoted = (value: string | number | undefined) => (value === undefined ? 'none' : JSON.stringify(value));
export const listed = (values: Iterable<string>) => `[${[...values].join(', ')}]`;

export function someIn(values: ReadonlySet<string>, wanted: ReadonlySet<string>): boolean {
  for (const value of values) if (wanted.has(value)) return true;
  return false;
}

/** A single request value that must be one of a list. */
export function oneOf(
  dimension: string,
  values: readonly string[],
  fold: (value: string) => string,
  pick: (req: PreparedRequest) => string | undefined,
): Check {
  const wanted = new Set(values.map(fold));
  return {
    dimension,
    pass: (req) => {
      const value = pick(req);
      return value !== undefined && wanted.has(value);
    },
    seen: (req) => `${dimension.split('.').pop()} ${quoted(pick(req))}`,
    wanted: `one of ${listed(wanted)}`,
  };
}

type SetPick = (req: PreparedRequest) => ReadonlySet<string>;

/** Request values (a set) against a list: `any` of them, `all` of the list, or `none` of the list. */
export function setCheck(dimension: string, mode: 'any' | 'all' | 'none', values: readonly string[], pick: SetPick): Check {
  const wanted = new Set(values);
  const all = [...wanted];
  const pass =
    mode === 'any'
      ? (req: PreparedRequest) => someIn(pick(req), wanted)
      : mode === 'none'
        ? (req: PreparedRequest) => !someIn(pick(req), wanted)
        : (req: PreparedRequest) => {
            const have = pick(req);
            for (const value of all) if (!have.has(value)) return false;
            return true;
          };
  return { dimension, pass, seen: (req) => `${dimension.split('.')[0]} ${listed(pick(req))}`, wanted: `${mode} of ${listed(wanted)}` };
}
