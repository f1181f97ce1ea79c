import { AppError, invalidField, type Principal, type Role } from '@adplatform/domain';
import type { MetadataTx } from '@adplatform/ports';

/**
 * Access limits (ADR 0017). A user or API key may be limited to some
 * advertisers or to some publishers of its organization — one side, never
 * both — and then sees only those and what lies below them (campaigns, line
 * items, creatives; sites, placements) and only their rows in reports. Owners
 * and admins are never limited: they manage users and keys, so a limit on them
 * would be one they could lift themselves.
 */
export type ScopeSide = 'advertiser' | 'publisher';

export interface AccessScope {
  side: ScopeSide;
  /** The advertisers (side `advertiser`) or publishers (side `publisher`) the caller may see. */
  ids: ReadonlySet<string>;
}

/** The caller's limit, or undefined when it sees the whole organization. */
export function accessScopeOf(principal: Principal): AccessScope | undefined {
  if (principal.advertiserIds?.length) return { side: 'advertiser', ids: new Set(principal.advertiserIds) };
  if (principal.publisherIds?.length) return { side: 'publisher', ids: new Set(principal.publisherIds) };
  return undefined;
}

/** The limit fields of a principal, set only when non-empty (an unlimited principal carries none). */
export function scopeFieldsOf(holder: { advertiserIds: readonly string[]; publisherIds: readonly string[] }): Partial<Principal> {
  if (holder.advertiserIds.length) return { advertiserIds: [...holder.advertiserIds] };
  if (holder.publisherIds.length) return { publisherIds: [...holder.publisherIds] };
  return {};
}

export interface ScopeLists {
  advertiserIds: readonly string[];
  publisherIds: readonly string[];
}

/**
 * Refuses (400 naming the field) a limit the role cannot carry: any limit on
 * an owner or admin, both sides at once, publishers on the advertiser role or
 * advertisers on the publisher role. `given` names the fields the request set,
 * so a refusal points at what the caller sent (`body.role` when only the role
 * changed under an existing limit).
 */
export function checkScopeForRole(role: Role, lists: ScopeLists, given: { role: boolean; lists: boolean }): void {
  const adv = lists.advertiserIds.length > 0;
  const pub = lists.publisherIds.length > 0;
  if (!adv && !pub) return;
  const listPath = adv ? 'body.advertiserIds' : 'body.publisherIds';
  const path = given.lists ? listPath : 'body.role';
  if (adv && pub)
    throw invalidField('body.publisherIds', 'cannot be set together with advertiserIds: a limit covers one side of the market');
  if (role === 'owner' || role === 'admin') {
    throw invalidField(path, `must be empty for the ${role} role: owners and admins always see the whole organization`);
  }
  if (role === 'advertiser' && pub) throw invalidField(path, 'must be empty for the advertiser role, which works on advertisers only');
  if (role === 'publisher' && adv) throw invalidField(path, 'must be empty for the publisher role, which works on publishers only');
}

/** Each listed id must be an advertiser (or publisher) of the organization: 400 naming the first that is not. */
export async function checkScopeIds(tx: MetadataTx, organizationId: string, lists: Partial<ScopeLists>): Promise<void> {
  for (const side of ['advertiser', 'publisher'] as const) {
    const ids = side === 'advertiser' ? lists.advertiserIds : lists.publisherIds;
    if (!ids?.length) continue;
    const found = new Set((await tx.resources[side].getMany(organizationId, ids)).map((r) => r.id));
    const missing = ids.findIndex((id) => !found.has(id));
    if (missing >= 0) throw invalidField(`body.${side}Ids[${missing}]`, `is not a ${side} of this organization`);
  }
}

/** 403 naming the field: the caller's limit does not reach what the request names. */
export const outsideScope = (path: string, message: string): AppError =>
  new AppError('FORBIDDEN', `${path} ${message}`, { issues: [{ path, message }] });
