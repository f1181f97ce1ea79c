import { AppError, type FieldIssue, type Targeting, type TargetingDimensions } from '@adplatform/domain';
import type { MetadataTx } from '@adplatform/ports';

/**
 * The rules of a targeting object that its JSON schema cannot say: day-parts
 * end after they start, and the segment and placement ids name existing
 * resources of the tenant. `path` is where the object sits in the request
 * (`body.targeting`); every issue names its field under it. Throws one
 * VALIDATION_FAILED listing every issue.
 */
export async function checkTargeting(tx: MetadataTx, organizationId: string, targeting: Targeting, path: string): Promise<void> {
  const parts: [TargetingDimensions, string][] = [[targeting, path]];
  if (targeting.exclude) parts.push([targeting.exclude, `${path}.exclude`]);
  const issues: FieldIssue[] = [];
  for (const [dims, at] of parts) issues.push(...dayPartIssues(dims, at));
  const segments = parts.flatMap(([dims, at]) => [
    ...refs(dims.segments?.any, `${at}.segments.any`),
    ...refs(dims.segments?.none, `${at}.segments.none`),
  ]);
  const placements = parts.flatMap(([dims, at]) => refs(dims.placements, `${at}.placements`));
  issues.push(...(await missing(tx, organizationId, 'segment', segments)));
  issues.push(...(await missing(tx, organizationId, 'placement', placements)));
  if (issues.length > 0) throw new AppError('VALIDATION_FAILED', issues.map((i) => `${i.path} ${i.message}`).join('; '), { issues });
}

/** Day-parts are half-open hour ranges [startHour, endHour), so the end comes after the start. */
export function dayPartIssues(dims: TargetingDimensions, path: string): FieldIssue[] {
  return (dims.dayParts ?? []).flatMap((part, i) =>
    part.endHour > part.startHour ? [] : [{ path: `${path}.dayParts[${i}].endHour`, message: 'must be greater than startHour' }],
  );
}

/** The placement ids a targeting object restricts delivery to; empty means every placement. */
export const placementsOf = (targeting: Targeting | undefined): string[] => targeting?.placements ?? [];

interface Ref {
  id: string;
  path: string;
}

const refs = (ids: string[] | undefined, path: string): Ref[] => (ids ?? []).map((id, i) => ({ id, path: `${path}[${i}]` }));

async function missing(tx: MetadataTx, organizationId: string, kind: 'segment' | 'placement', wanted: Ref[]): Promise<FieldIssue[]> {
  if (wanted.length === 0) return [];
  const found = new Set((await tx.resources[kind].getMany(organizationId, [...new Set(wanted.map((r) => r.id))])).map((r) => r.id));
  return wanted.filter((r) => !found.has(r.id)).map((r) => ({ path: r.path, message: `is not a ${kind} of this organization` }));
}
