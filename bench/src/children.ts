// Child server processes pinned to one CPU with taskset, their output, readiness and shutdown.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';

export interface SeenLine {
  line: string;
  /** performance.now() when the line was read. */
  atMs: number;
}

export interface ChildServer {
  readonly name: string;
  readonly pid: number;
  /** performance.now() just before the process was spawned. */
  readonly launchedAtMs: number;
  /** The first output line (stdout or stderr) matching `pattern`; rejects if the process exits first or on timeout. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<SeenLine>;
  /** The last lines the process printed, for error messages. */
  tail(): string;
  isRunning(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs`. Resolves once the process is gone. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

export interface PinnedCommand {
  name: string;
  /** A taskset CPU list: `0`, `0,1`, `0-1`. */
  cpu: string;
  command: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Also append every output line to this file (e.g. a `--trace-gc` log). */
  logFile?: string | undefined;
}

/** Fails with a helpful message when taskset (util-linux) is missing. */
export function assertTaskset(): void {
  const probe = spawnSync('taskset', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) throw new Error('taskset not found: install util-linux (apt-get install -y util-linux)');
}

/** Pins every thread of a running process (this one by default) to one CPU. */
export function pinProcess(cpu: number, pid: number = process.pid): void {
  const result = spawnSync('taskset', ['-a', '-c', '-p', String(cpu), String(pid)], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`taskset -p failed: ${result.stderr}`);
}

/** A port that was free a moment ago (bind port 0, read it, release it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts `taskset -c <cpu> <command> <args>`; taskset execs, so the child's pid is the command's. */
export function startPinned(spec: PinnedCommand): ChildServer {
  const launchedAtMs = performance.now();
  const child = spawn('taskset', ['-c', spec.cpu, spec.command, ...spec.args], {
    cwd: spec.cwd,
    env: spec.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const seen: SeenLine[] = [];
  const waiters = new Set<() => void>();
  let spawnError: Error | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (error) => {
      spawnError = error; // the process never started: no 'exit' follows
      resolve();
    });
  });
  void exited.then(() => {
    for (const wake of waiters) wake();
  });
  const isGone = () => spawnError !== undefined || child.exitCode !== null || child.signalCode !== null;
  const log = spec.logFile === undefined ? undefined : createWriteStream(spec.logFile, { flags: 'a' });
  if (log) void exited.then(() => log.end());
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      log?.write(`${line}\n`);
      seen.push({ line, atMs: performance.now() });
      if (seen.length > 200) seen.shift();
      for (const wake of waiters) wake();
    });
  }
  const tail = () => seen.map((s) => s.line).join('\n');

  const waitForLine = (pattern: RegExp, timeoutMs: number) =>
    new Promise<SeenLine>((resolve, reject) => {
      const timer = setTimeout(
        () => finish(new Error(`${spec.name}: no line matching ${pattern} within ${timeoutMs} ms\n${tail()}`)),
        timeoutMs,
      );
      const finish = (outcome: SeenLine | Error) => {
        clearTimeout(timer);
        waiters.delete(check);
        if (outcome instanceof Error) reject(outcome);
        else resolve(outcome);
      };
      const check = () => {
        const match = seen.find((s) => pattern.test(s.line));
        if (match) finish(match);
        else if (isGone())
          finish(new Error(`${spec.name} exited (${spawnError?.message ?? `code ${child.exitCode}`}) before ${pattern}\n${tail()}`));
      };
      waiters.add(check);
      check();
    });

  const stop = async (graceMs = 5000) => {
    if (isGone()) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  return { name: spec.name, pid: child.pid ?? -1, launchedAtMs, waitForLine, tail, stop, isRunning: () => !isGone() };
}

const CLOCK_TICKS_PER_SECOND = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** User + system CPU seconds in a `/proc/.../stat` line: after the parenthesised name, utime is field 14 and stime 15. */
function cpuSecondsOfStat(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/** User + system CPU seconds a process has used so far, from /proc/<pid>/stat (Linux). */
export function processCpuSeconds(pid: number): number {
  return cpuSecondsOfStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
}

/**
 * Write and read system calls a process has made so far (`syscw`/`syscr` of /proc/<pid>/io, Linux; the
 * caller must be allowed to read it). A count per request shows I/O that is not batched (a write and a
 * file sync per request instead of per group of requests).
 */
export function processSyscalls(pid: number): { writes: number; reads: number } {
  const io = readFileSync(`/proc/${pid}/io`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}: (\\d+)$`, 'm').exec(io)?.[1] ?? Number.NaN);
  return { writes: field('syscw'), reads: field('syscr') };
}

/**
 * CPU seconds (user + system) of each thread of `pid`, summed by thread name (`/proc/<pid>/task/<tid>/stat`):
 * the main thread is `main`, the others by the name the kernel shows. Node.js 20 leaves its threads
 * (libuv's pool, where DuckDB's statements and file syncs run, and V8's GC helpers) named `node`, so
 * in practice this splits the event loop from everything else. Threads that ended are not counted.
 */
export function threadCpuSeconds(pid: number): Map<string, number> {
  const byName = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    } catch {
      continue; // the thread ended between the listing and the read
    }
    const name = tid === String(pid) ? 'main' : stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    byName.set(name, (byName.get(name) ?? 0) + cpuSecondsOfStat(stat));
  }
  return byName;
}

/** Polls `url` until it answers 200; gives up early if `server` exits. */
export async function waitUntilAnswers(url: string, server: ChildServer, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let last = 'no answer';
  while (performance.now() < deadline) {
    if (!server.isRunning()) throw new Error(`${server.name} exited before answering ${url}\n${server.tail()}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      if (response.ok) return;
      last = `status ${response.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms (${last})\n${server.tail()}`);
}
