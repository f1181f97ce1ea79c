import { invalidField } from '@adplatform/domain';
import type { MetadataTx } from '@adplatform/ports';
import { DISPLAY_FORMATS, type FallbackInput, type PlacementData, type PlacementFallback } from './placements.schemas.js';

/** Display formats are drawn in a fixed box, so a placement accepting one needs at least one size. */
export function checkSizes(data: Pick<PlacementData, 'formats' | 'sizes'>): void {
  if (data.sizes.length === 0 && data.formats.some((f) => DISPLAY_FORMATS.includes(f))) {
    throw invalidField('body.sizes', 'needs at least one size when image or html is accepted');
  }
}

/**
 * Validates what to show when nothing fills and returns its stored form:
 * `none`; `house` with an approved creative of the tenant that matches one of
 * the placement's formats and sizes; or `passback` with its markup. A house
 * creative the caller may not name (`mayUse` false) reads exactly as a missing one.
 */
export async function checkFallback(
  tx: MetadataTx,
  organizationId: string,
  input: FallbackInput,
  placement: Pick<PlacementData, 'formats' | 'sizes'> & { mayUse: (creativeId: string) => boolean },
): Promise<PlacementFallback> {
  const path = 'body.fallback';
  if (input.type !== 'house' && input.creativeId !== undefined) throw invalidField(`${path}.creativeId`, 'is only for a house fallback');
  if (input.type !== 'passback' && input.html !== undefined) throw invalidField(`${path}.html`, 'is only for a passback fallback');
  if (input.type === 'none') return { type: 'none' };
  if (input.type === 'passback') {
    if (input.html === undefined) throw invalidField(`${path}.html`, 'is required for a passback fallback');
    return { type: 'passback', html: input.html };
  }
  if (input.creativeId === undefined) throw invalidField(`${path}.creativeId`, 'is required for a house fallback');
  await checkHouseCreative(tx, organizationId, input.creativeId, placement);
  return { type: 'house', creativeId: input.creativeId };
}

async function checkHouseCreative(
  tx: MetadataTx,
  organizationId: string,
  creativeId: string,
  placement: Pick<PlacementData, 'formats' | 'sizes'> & { mayUse: (creativeId: string) => boolean },
): Promise<void> {
  const path = 'body.fallback.creativeId';
  const creative = placement.mayUse(creativeId) ? await tx.resources.creative.get(organizationId, creativeId) : undefined;
  if (!creative) throw invalidField(path, 'is not a creative of this organization');
  // A creative's status is its review status: only approved markup may be served.
  if (creative.status !== 'approved') throw invalidField(path, `must be an approved creative (it is ${creative.status})`);
  const data = (creative.data ?? {}) as { width?: unknown; height?: unknown; format?: unknown };
  if (typeof data.format === 'string' && !placement.formats.includes(data.format as PlacementData['formats'][number])) {
    throw invalidField(path, `is a ${data.format} creative; the placement accepts ${placement.formats.join(', ')}`);
  }
  const { width, height } = data;
  if (typeof width === 'number' && typeof height === 'number' && placement.sizes.length > 0) {
    if (!placement.sizes.some((s) => s.width === width && s.height === height)) {
      throw invalidField(path, `is ${width}x${height}, which is not one of the placement's sizes`);
    }
  }
}
