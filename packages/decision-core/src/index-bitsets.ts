import type { PostingIndex } from './bitset.js';
import { EXCLUSION_DIMENSIONS, POSTING_DIMENSIONS } from './compile-line-item.js';
import type { DeliveryIndex } from './delivery-index.js';
import type { RankedInputs } from './index-rebuild.js';
import {
  changedInPlace,
  exclusionIndexOf,
  type Gather,
  gatherColumn,
  type PostingColumn,
  patchExclusionIndex,
  patchPostingIndex,
  postingIndexOf,
  sameIdsAt,
} from './posting-columns.js';

export interface IndexBitsets {
  readonly postingColumns: readonly PostingColumn[];
  readonly exclusionColumns: readonly PostingColumn[];
  /** In `POSTING_DIMENSIONS` order. */
  readonly postings: readonly PostingIndex[];
  /** In `EXCLUSION_DIMENSIONS` order. */
  readonly exclusions: readonly ReadonlyMap<string, Uint32Array>[];
}

/**
 * The posting and exclusion bitsets of a build. From scratch, or from `previous`: its columns are
 * copied by old position; when no item moved, a dimension the changed items did not touch shares the
 * previous column and bitsets outright, and a touched one copies only the sets of the values involved.
 * A rebuild then allocates kilobytes, not the whole index again.
 */
export function assembleBitsets(gather: Gather, fresh: RankedInputs['fresh'], previous?: DeliveryIndex): IndexBitsets {
  const was = previous?.columns;
  const changed = previous === undefined ? undefined : changedInPlace(gather, previous.lineItems.length);
  const words = (gather.size + 31) >>> 5;
  const postingColumns: PostingColumn[] = [];
  const postings: PostingIndex[] = [];
  POSTING_DIMENSIONS.forEach((dimension, k) => {
    const before = was?.postings[k];
    const stillIndex = previous?.[dimension];
    if (
      changed !== undefined &&
      before !== undefined &&
      stillIndex !== undefined &&
      sameIdsAt(before, fresh.postings[k]!, gather, changed)
    ) {
      postingColumns.push(before);
      postings.push(stillIndex);
      return;
    }
    const column = gatherColumn(gather, fresh.postings[k]!, before);
    postingColumns.push(column);
    const patched =
      changed !== undefined && before !== undefined && stillIndex !== undefined
        ? patchPostingIndex(stillIndex, before, column, changed)
        : undefined;
    postings.push(patched ?? postingIndexOf(column));
  });
  const exclusionColumns: PostingColumn[] = [];
  const exclusions: ReadonlyMap<string, Uint32Array>[] = [];
  EXCLUSION_DIMENSIONS.forEach((dimension, k) => {
    const before = was?.exclusions[k];
    const stillIndex = previous?.[dimension];
    if (
      changed !== undefined &&
      before !== undefined &&
      stillIndex !== undefined &&
      sameIdsAt(before, fresh.exclusions[k]!, gather, changed)
    ) {
      exclusionColumns.push(before);
      exclusions.push(stillIndex);
      return;
    }
    const column = gatherColumn(gather, fresh.exclusions[k]!, before);
    exclusionColumns.push(column);
    exclusions.push(
      changed !== undefined && before !== undefined && stillIndex !== undefined
        ? patchExclusionIndex(stillIndex, before, column, changed, words)
        : exclusionIndexOf(column),
    );
  });
  return { postingColumns, exclusionColumns, postings, exclusions };
}
