// The targeting stage of the decision, in process: compileIndex() build time and memory, then
// candidates() per request over a stream of random contexts, at 1,000 / 10,000 / 100,000 line items.
// Run: node --expose-gc --import tsx bench/src/decide.bench.ts [--requests 20000]
import { parseArgs } from 'node:util';
import { candidates, compileIndex, type DeliveryIndex, indexBitsetBytes } from '@adplatform/decision-core';
import { createContexts, createLineItems, MIX } from './decide-mix.js';
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

function build(size: number): { index: DeliveryIndex; buildMs: number; heapBytes: number } {
  const lineItems = createLineItems(size, 42);
  gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const started = performance.now();
  const index = compileIndex(lineItems, { now: Date.now() });
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

function main(): void {
  const { values } = parseArgs({ options: { requests: { type: 'string', default: '20000' } } });
  const requests = Number(values.requests);
  if (!Number.isInteger(requests) || requests < 1000) throw new Error('--requests must be an integer ≥ 1000');
  printFacts(machineFacts(), {
    requests: String(requests),
    gc: gc ? 'exposed (heap after gc)' : 'not exposed: run with --expose-gc',
    mix: MIX.description,
  });
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
  console.log(`\n${markdownTable(header, cells)}`);
}

main();
