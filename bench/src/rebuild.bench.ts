// The delivery index after a change, in process, at 1,000 / 10,000 / 100,000 line items of the decide mix:
// - full: compileIndex() from scratch;
// - rebuild: compileIndex(next, { previous }) after editing 1 or 100 line items, handed over as the catalog does
//   (the previous index's order, the edited items replaced in place by new objects). Two kinds of edit:
//   `targeting` (the placement list changes: no item moves in rank order) and `price` (the CPM bid changes: the
//   item moves, so every position after the first change shifts).
// Each row: the median of --runs rebuilds back to back (wall and CPU of the process, GC included), and the memory the
// index adds: for a full build the heap + typed arrays after gc(); for a rebuild what it allocated and does not share
// with the previous index (both are alive during a swap).
// Run: node --expose-gc --import tsx bench/src/rebuild.bench.ts [--runs 7] [--sizes 1000,10000,100000]
import { parseArgs } from 'node:util';
import { compileIndex, type DeliveryIndex, type DeliveryLineItem } from '@adplatform/decision-core';
import { createDeliveryLineItems, createPlacements, createRandom, DECIDE_MIX } from './decide-mix.js';
import { fixed, machineFacts, markdownTable, median, printFacts } from './report.js';

const gc = (globalThis as { gc?: () => void }).gc;
const heapBytes = () => {
  gc?.();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
};

const POSTINGS = ['placement', 'country', 'deviceType', 'keywordsAny', 'segmentsAny', 'os', 'browser', 'languages', 'dayParts'] as const;
const EXCLUSIONS = ['keywordsNone', 'segmentsNone', 'excludeOs', 'domainsBlock'] as const;

/**
 * Bytes the index allocated that it does not share with `previous`: bitsets, columns and per-position arrays
 * (8 bytes per entry of a JS array). Deterministic, unlike a heap difference taken while the previous index lives.
 */
function unsharedBytes(index: DeliveryIndex, previous: DeliveryIndex): number {
  const fresh = (bits: ArrayBufferView, before: unknown) => (bits === before ? 0 : bits.byteLength);
  let bytes = 0;
  for (const dimension of POSTINGS) {
    const [now, was] = [index[dimension], previous[dimension]];
    bytes += fresh(now.any, was.any);
    for (const [value, bits] of now.byValue) bytes += fresh(bits, was.byValue.get(value));
  }
  for (const dimension of EXCLUSIONS) for (const [value, bits] of index[dimension]) bytes += fresh(bits, previous[dimension].get(value));
  const columns = (i: DeliveryIndex) => [...i.columns.postings, ...i.columns.exclusions];
  columns(index).forEach((column, k) => {
    const was = columns(previous)[k];
    bytes += fresh(column.start, was?.start) + fresh(column.values, was?.values);
  });
  bytes += index.tierRank.byteLength + index.ecpmMicros.byteLength + index.radius.start.byteLength + index.radius.circles.byteLength;
  return bytes + 8 * 3 * index.lineItems.length;
}

type Edit = (li: DeliveryLineItem, run: number) => DeliveryLineItem;
const EDITS: Record<string, Edit> = {
  targeting: (li, run) => ({ ...li, targeting: { ...li.targeting, placements: [`placement-${run % 500}`] } }),
  price: (li, run) => ({ ...li, pricing: { model: 'cpm', bidMicros: 500_000 + ((run * 7_919) % 9_500) * 1_000 } }),
};

interface Row {
  size: number;
  what: string;
  wallMs: number;
  cpuMs: number;
  heapMb: number;
  reused: number;
}

function timed<T>(work: () => T): { value: T; wallMs: number; cpuMs: number } {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const value = work();
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { value, wallMs, cpuMs: (used.user + used.system) / 1000 };
}

function measureSize(size: number, runs: number): Row[] {
  const items = createDeliveryLineItems(size, 42);
  const placements = createPlacements(5);
  const before = heapBytes();
  const full = timed(() => compileIndex(items, { now: 0, placements }));
  const rows: Row[] = [
    { size, what: 'full build', wallMs: full.wallMs, cpuMs: full.cpuMs, heapMb: (heapBytes() - before) / 2 ** 20, reused: 0 },
  ];
  let index: DeliveryIndex = full.value;
  const random = createRandom(size);
  for (const changes of [1, 100])
    for (const [kind, edit] of Object.entries(EDITS)) {
      const wall: number[] = [];
      const cpu: number[] = [];
      const heap: number[] = [];
      let reused = 0;
      // Back to back, as edits arrive in a live process (no forced GC in between).
      for (let run = 0; run < runs; run++) {
        const next = index.lineItems.slice();
        for (let c = 0; c < changes; c++) {
          const at = Math.floor(random() * next.length);
          next[at] = edit(next[at]!, run * changes + c);
        }
        const previous: DeliveryIndex = index;
        const result = timed(() => compileIndex(next, { now: 0, placements, previous }));
        index = result.value;
        if (previous.lineItems.length !== index.lineItems.length) throw new Error('a rebuild lost line items');
        reused = index.reusedLineItems;
        heap.push(unsharedBytes(index, previous) / 2 ** 20);
        wall.push(result.wallMs);
        cpu.push(result.cpuMs);
      }
      rows.push({ size, what: `rebuild, ${changes} × ${kind}`, wallMs: median(wall), cpuMs: median(cpu), heapMb: median(heap), reused });
    }
  return rows;
}

function main(): void {
  const { values } = parseArgs({
    options: { runs: { type: 'string', default: '7' }, sizes: { type: 'string', default: '1000,10000,100000' } },
  });
  const runs = Number(values.runs);
  const sizes = values.sizes.split(',').map(Number);
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer');
  if (sizes.some((size) => !Number.isInteger(size) || size < 1)) throw new Error('--sizes must be positive integers, comma-separated');
  printFacts(machineFacts(), {
    runs: String(runs),
    gc: gc ? 'exposed (heap after gc)' : 'not exposed: run with --expose-gc',
    mix: DECIDE_MIX.description,
  });
  const rows = sizes.flatMap((size) => measureSize(size, runs));
  const header = ['line items', 'build', 'wall ms (median)', 'CPU ms (median)', 'MB added (see above)', 'items reused'];
  const cells = rows.map((r) => [
    r.size.toLocaleString('en-US'),
    r.what,
    fixed(r.wallMs, 1),
    fixed(r.cpuMs, 1),
    fixed(r.heapMb, 1),
    r.reused.toLocaleString('en-US'),
  ]);
  console.log(`\ncompileIndex() — from scratch, and from the previous index after an edit\n\n${markdownTable(header, cells)}`);
}

main();
