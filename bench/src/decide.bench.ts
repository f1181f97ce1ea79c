// The decision in process, at 1,000 / 10,000 / 100,000 line items:
// - targeting: compileIndex() build time and memory, then candidates() per request over a stream of random contexts;
// - decide: the whole decide() (targeting + creative fit, flight, caps, budgets, pacing, floor, ranking; one slot,
//   no explain) over a time-ordered stream of requests, with the line items carrying tiers, prices, creatives,
//   caps, budgets, pacing and flights.
// Run: taskset -c 1 node --expose-gc --import tsx bench/src/decide.bench.ts [--requests 20000] [--stage both|targeting|decide]
import { parseArgs } from 'node:util';
import { candidates, compileIndex, type DeliveryIndex, decide, indexBitsetBytes } from '@adplatform/decision-core';
import {
  createContexts,
  createDecisionRequests,
  createDeliveryLineItems,
  createLineItems,
  createPlacements,
  createRandom,
  createState,
  DECIDE_MIX,
  MIX,
} from './decide-mix.js';
import { fixed, machineFacts, markdownTable, printFacts } from './report.js';

const SIZES = [1_000, 10_000, 100_000];
const gc = (globalThis as { gc?: () => void }).gc;

interface Row {
  size: number;
  buildMs: number;
  heapMb: number;
  bitsetMb: number;
  opsPerSecond: number;
  p50: number;
  p99: number;
  p999: number;
  meanCandidates: number;
}

const quantile = (sorted: Float64Array, q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

function build(size: number, full = false): { index: DeliveryIndex; buildMs: number; heapBytes: number } {
  const lineItems = full ? createDeliveryLineItems(size, 42) : createLineItems(size, 42);
  const placements = createPlacements(5);
  gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const started = performance.now();
  const index = compileIndex(lineItems, { now: Date.now(), placements });
  const buildMs = performance.now() - started;
  gc?.();
  // The line item objects are counted by neither side (they exist before and after); this is what the index adds.
  return { index, buildMs, heapBytes: process.memoryUsage().heapUsed - heapBefore };
}

function measure(size: number, requests: number): Row {
  const { index, buildMs, heapBytes } = build(size);
  const contexts = createContexts(requests, 7);
  for (const ctx of contexts.slice(0, Math.min(2_000, requests))) candidates(index, ctx); // warm-up: JIT and time zone formatters
  const latencies = new Float64Array(requests);
  let found = 0;
  const started = performance.now();
  for (let i = 0; i < requests; i++) {
    const t0 = performance.now();
    found += candidates(index, contexts[i]!).length;
    latencies[i] = (performance.now() - t0) * 1000;
  }
  const elapsedMs = performance.now() - started;
  latencies.sort();
  return {
    size,
    buildMs,
    heapMb: heapBytes / 2 ** 20,
    bitsetMb: indexBitsetBytes(index) / 2 ** 20,
    opsPerSecond: requests / (elapsedMs / 1000),
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    p999: quantile(latencies, 0.999),
    meanCandidates: found / requests,
  };
}

interface DecideRow extends Omit<Row, 'bitsetMb' | 'meanCandidates'> {
  fillRate: number;
}

function measureDecide(size: number, requests: number): DecideRow {
  const { index, buildMs, heapBytes } = build(size, true);
  const stream = createDecisionRequests(requests, 7);
  const state = createState(index.lineItems, 11);
  const options = { random: createRandom(13), auction: 'second' as const };
  for (const request of stream.slice(0, Math.min(2_000, requests))) decide(index, request, state, options); // warm-up
  const latencies = new Float64Array(requests);
  let filled = 0;
  const started = performance.now();
  for (let i = 0; i < requests; i++) {
    const t0 = performance.now();
    const result = decide(index, stream[i]!, state, options);
    latencies[i] = (performance.now() - t0) * 1000;
    if ((result.slots['div-1']?.length ?? 0) > 0) filled++;
  }
  const elapsedMs = performance.now() - started;
  latencies.sort();
  return {
    size,
    buildMs,
    heapMb: heapBytes / 2 ** 20,
    opsPerSecond: requests / (elapsedMs / 1000),
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    p999: quantile(latencies, 0.999),
    fillRate: filled / requests,
  };
}

function printDecide(rows: DecideRow[]): void {
  const header = ['line items', 'build ms', 'index heap MB', 'decide()/s', 'p50 µs', 'p99 µs', 'p99.9 µs', 'fill rate'];
  const cells = rows.map((r) => [
    r.size.toLocaleString('en-US'),
    fixed(r.buildMs, 0),
    fixed(r.heapMb, 1),
    fixed(r.opsPerSecond, 0),
    fixed(r.p50, 1),
    fixed(r.p99, 1),
    fixed(r.p999, 1),
    `${fixed(r.fillRate * 100, 1)}%`,
  ]);
  console.log(`\ndecide() — whole decision, one slot, no explain\n\n${markdownTable(header, cells)}`);
}

function main(): void {
  const { values } = parseArgs({ options: { requests: { type: 'string', default: '20000' }, stage: { type: 'string', default: 'both' } } });
  const requests = Number(values.requests);
  if (!Number.isInteger(requests) || requests < 1000) throw new Error('--requests must be an integer ≥ 1000');
  if (!['both', 'targeting', 'decide'].includes(values.stage)) throw new Error('--stage must be both, targeting or decide');
  printFacts(machineFacts(), {
    requests: String(requests),
    gc: gc ? 'exposed (heap after gc)' : 'not exposed: run with --expose-gc',
    mix: MIX.description,
    'decide mix': DECIDE_MIX.description,
  });
  if (values.stage !== 'targeting') printDecide(SIZES.map((size) => measureDecide(size, requests)));
  if (values.stage === 'decide') return;
  const rows = SIZES.map((size) => measure(size, requests));
  const header = [
    'line items',
    'build ms',
    'index heap MB',
    'bitsets MB',
    'candidates()/s',
    'p50 µs',
    'p99 µs',
    'p99.9 µs',
    'candidates per request',
  ];
  const cells = rows.map((r) => [
    r.size.toLocaleString('en-US'),
    fixed(r.buildMs, 0),
    fixed(r.heapMb, 1),
    fixed(r.bitsetMb, 1),
    fixed(r.opsPerSecond, 0),
    fixed(r.p50, 1),
    fixed(r.p99, 1),
    fixed(r.p999, 1),
    fixed(r.meanCandidates, 1),
  ]);
  console.log(`\ncandidates() — targeting stage only\n\n${markdownTable(header, cells)}`);
}

main();
