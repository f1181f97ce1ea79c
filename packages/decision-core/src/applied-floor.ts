import type { DeliveryIndex } from './delivery-index.js';
import { type AppliedFloor, baseFloorOf, floorCellOf, floorRowOf } from './floor-rules.js';

export interface FloorQuery {
  readonly placementId: string;
  /** ISO 3166-1 alpha-2, any case; as the decision's context has it. */
  readonly country?: string | undefined;
  readonly deviceType?: string | undefined;
  /** The slot's own floor (e.g. `imp.bidfloor`), CPM micros. */
  readonly slotFloorMicros?: number | undefined;
  /** The ad's size; absent: the floor of an ad without a size (or of a size no rule names). */
  readonly width?: number | undefined;
  readonly height?: number | undefined;
}

/**
 * The floor `decide()` applies to an ad of a size in a slot, and the rule behind it — for callers that
 * screen or log before or after the decision (the exchange's outside bids, the auction log). Undefined
 * for a placement the index does not serve.
 */
export function resolveFloor(index: DeliveryIndex, query: FloorQuery): AppliedFloor | undefined {
  const placement = index.placements.get(query.placementId);
  if (placement === undefined) return undefined;
  const base = baseFloorOf(placement.floorMicros, query.slotFloorMicros);
  const table = index.placementFloors.get(query.placementId);
  if (table === undefined) return { floorMicros: base, rule: undefined, ruleFloorMicros: undefined };
  const row = floorRowOf(table, query.country?.toUpperCase(), query.deviceType?.toLowerCase());
  const cell = floorCellOf(table, row, query.width, query.height);
  const rule = table.rules[table.ruleAt[cell]!];
  const ruleFloor = table.floors[cell]!;
  return { floorMicros: Math.max(ruleFloor, base), rule: rule?.label, ruleFloorMicros: rule?.floorMicros };
}
