import type { DeliveryFloorRule, DeliveryPlacement } from './delivery-types.js';

/**
 * A placement's floor rules compiled into a lookup table at snapshot build time: one cell per
 * (country, device type, ad size) that any rule names, plus an "any other" column per dimension.
 * Each cell holds the floor of the rule that wins there, chosen once: **the most specific matching
 * rule** (the most conditions of country, device type and size), ties going to the one listed
 * first — in the spirit of Prebid's floors module, where a rule without wildcards beats one with.
 * A request reads its row (country × device type) with two map lookups per slot; a served ad's
 * size then picks the cell. No rule matches a cell: its floor is 0 (the placement's and the slot's
 * floors still apply).
 */
export interface FloorTable {
  /** Country (upper case) → column 1…; absent: column 0, "a country no rule names". */
  readonly countryColumn: ReadonlyMap<string, number>;
  /** Device type (lower case) → column 1…; absent: 0. */
  readonly deviceColumn: ReadonlyMap<string, number>;
  /** `width × 65,536 + height` → column 1…; absent (another size, or none: video, native): 0. */
  readonly sizeColumn: ReadonlyMap<number, number>;
  readonly devices: number;
  readonly sizes: number;
  /** Per cell, `((country × devices) + device) × sizes + size`: the winning rule's floor, CPM micros (0: none). */
  readonly floors: Float64Array;
  /** Per cell: the winning rule's position in `rules`, -1 for none. */
  readonly ruleAt: Int32Array;
  /** Per row (country × devices + device): the lowest cell floor of the row, what any ad of the row pays at least. */
  readonly rowMin: Float64Array;
  readonly rules: readonly DeliveryFloorRule[];
}

export const sizeKey = (width: number, height: number): number => width * 65_536 + height;

function columns<T>(values: Iterable<T>): Map<T, number> {
  const map = new Map<T, number>();
  for (const value of values) if (!map.has(value)) map.set(value, map.size + 1);
  return map;
}

/** Which rule wins at each cell: `matches(rule, cell)` per rule, the most conditions first, then list order. */
const specificity = (rule: DeliveryFloorRule) =>
  (rule.countries?.length ? 1 : 0) + (rule.deviceTypes?.length ? 1 : 0) + (rule.sizes?.length ? 1 : 0);

/** The table of a placement's rules; undefined when it has none (the common case costs one property read). */
export function compileFloorRules(rules: readonly DeliveryFloorRule[] | undefined): FloorTable | undefined {
  if (rules === undefined || rules.length === 0) return undefined;
  const countryColumn = columns(rules.flatMap((r) => (r.countries ?? []).map((c) => c.toUpperCase())));
  const deviceColumn = columns(rules.flatMap((r) => (r.deviceTypes ?? []).map((d) => d.toLowerCase())));
  const sizeColumn = columns(rules.flatMap((r) => (r.sizes ?? []).map((s) => sizeKey(s.width, s.height))));
  const countries = countryColumn.size + 1;
  const devices = deviceColumn.size + 1;
  const sizes = sizeColumn.size + 1;
  const order = rules.map((_, i) => i).sort((a, b) => specificity(rules[b]!) - specificity(rules[a]!) || a - b);
  // Per rule, the columns it covers in each dimension (undefined: every column, the rule does not ask).
  const covered = rules.map((r) => ({
    countries: r.countries?.length ? new Set(r.countries.map((c) => countryColumn.get(c.toUpperCase())!)) : undefined,
    devices: r.deviceTypes?.length ? new Set(r.deviceTypes.map((d) => deviceColumn.get(d.toLowerCase())!)) : undefined,
    sizes: r.sizes?.length ? new Set(r.sizes.map((s) => sizeColumn.get(sizeKey(s.width, s.height))!)) : undefined,
  }));
  const floors = new Float64Array(countries * devices * sizes);
  const ruleAt = new Int32Array(countries * devices * sizes).fill(-1);
  const rowMin = new Float64Array(countries * devices);
  for (let c = 0; c < countries; c++)
    for (let d = 0; d < devices; d++) {
      const row = c * devices + d;
      let min = Number.POSITIVE_INFINITY;
      for (let s = 0; s < sizes; s++) {
        const cell = row * sizes + s;
        const winner = order.find((i) => {
          const cover = covered[i]!;
          return (cover.countries?.has(c) ?? true) && (cover.devices?.has(d) ?? true) && (cover.sizes?.has(s) ?? true);
        });
        if (winner !== undefined) {
          ruleAt[cell] = winner;
          floors[cell] = rules[winner]!.floorMicros;
        }
        min = Math.min(min, floors[cell]!);
      }
      rowMin[row] = min;
    }
  return { countryColumn, deviceColumn, sizeColumn, devices, sizes, floors, ruleAt, rowMin, rules };
}

/** The placement's floor raised by the slot's; a missing, lower or NaN slot floor leaves it. What every ad of the slot meets. */
export const baseFloorOf = (placementFloorMicros: number, slotFloorMicros: number | undefined): number =>
  slotFloorMicros !== undefined && slotFloorMicros > placementFloorMicros ? slotFloorMicros : placementFloorMicros;

/** The row of a request's country and device type (either unknown: the "any other" column). */
export const floorRowOf = (table: FloorTable, country: string | undefined, deviceType: string | undefined): number =>
  (country === undefined ? 0 : (table.countryColumn.get(country) ?? 0)) * table.devices +
  (deviceType === undefined ? 0 : (table.deviceColumn.get(deviceType) ?? 0));

/** The cell of an ad of a size in a row (no size, or a size no rule names: the "any other size" column). */
export const floorCellOf = (table: FloorTable, row: number, width: number | undefined, height: number | undefined): number =>
  row * table.sizes + (width === undefined || height === undefined ? 0 : (table.sizeColumn.get(sizeKey(width, height)) ?? 0));

/** Each placement's compiled rules, for the placements that have any. */
export function compilePlacementFloors(placements: readonly DeliveryPlacement[]): ReadonlyMap<string, FloorTable> {
  const tables = new Map<string, FloorTable>();
  for (const placement of placements) {
    const table = compileFloorRules(placement.floorRules);
    if (table !== undefined) tables.set(placement.id, table);
  }
  return tables;
}

/** What floor one ad meets: the effective floor and the rule that set it (when a rule's floor is above the others). */
export interface AppliedFloor {
  /** max(placement floor, slot floor, the winning rule's floor), CPM micros. */
  readonly floorMicros: number;
  /** The rule that matched (its `label`), even when a higher placement or slot floor won; undefined when none matched. */
  readonly rule: string | undefined;
  /** That rule's own floor, CPM micros. */
  readonly ruleFloorMicros: number | undefined;
}
