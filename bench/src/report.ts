// Machine facts and plain-text tables, printed as Markdown so a run can be pasted into docs/benchmarks.md.
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { REPO_ROOT } from './servers.js';

export interface MachineFacts {
  node: string;
  cpuModel: string;
  cores: number;
  commit: string;
  date: string;
  loadAverage: string;
}

export function machineFacts(): MachineFacts {
  const git = (...args: string[]) => spawnSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).stdout.trim();
  // Only changes that end up in the bundle make the commit an inexact label for what ran.
  const sources = [':(glob)apps/*/src/**', ':(glob)packages/*/src/**', ':(glob)adapters/*/src/**', 'tooling/build.mjs'];
  const dirty = git('status', '--porcelain', '--', ...sources) !== '';
  return {
    node: process.version,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    commit: (git('rev-parse', '--short', 'HEAD') || 'unknown') + (dirty ? ' (+ uncommitted changes to the server sources)' : ''),
    date: new Date().toISOString(),
    loadAverage: loadavg()
      .map((n) => n.toFixed(2))
      .join(' '),
  };
}

export function printFacts(facts: MachineFacts, extra: Record<string, string> = {}): void {
  const rows: Record<string, string> = {
    node: facts.node,
    cpu: `${facts.cpuModel} (${facts.cores} cores)`,
    commit: facts.commit,
    date: facts.date,
    'load average at start (1/5/15 min)': facts.loadAverage,
    ...extra,
  };
  for (const [key, value] of Object.entries(rows)) console.log(`- ${key}: ${value}`);
}

/** A Markdown table; numbers are right-aligned. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

export const fixed = (n: number, digits: number): string => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? Number.NaN) + (sorted[mid] ?? Number.NaN)) / 2;
};
