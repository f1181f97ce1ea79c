import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The real `adplatform` command in its own process, as the end-to-end tests
 * start it: the bundle tooling/build.mjs writes, `serve` on a free port. One
 * place for the spawn, the wait until it listens and answers /healthz, and the
 * stop, so every e2e file waits the same robust way.
 */
export const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
export const cliPath = path.join(repoRoot, 'apps/cli/dist/adplatform.mjs');

/**
 * The budget of one test (or hook) that starts the CLI: a cold start on a
 * loaded 2-core machine has taken well over vitest's 30 s default. Tests that
 * start it twice, or do much more, pass their own larger figure.
 */
export const CLI_TEST_TIMEOUT_MS = 180_000;
/** How long `startCli` waits for the readiness line and a 200 from /healthz, below the test budget so its own error (with the server's output) is what a failure shows. */
export const CLI_READY_TIMEOUT_MS = 120_000;

/** What `npm start` runs: the server bundle and the dashboard, rebuilt from the current sources when changed. */
export function buildCli(): void {
  execFileSync(process.execPath, [path.join(repoRoot, 'tooling/build.mjs'), '--quiet'], { cwd: repoRoot, stdio: 'pipe' });
}

export interface CliProcess {
  child: ChildProcess;
  /** stdout and stderr as they arrived, interleaved. */
  output: () => string;
  stderr: () => string;
  /** Resolves with the exit code (null after a signal) once the process has exited and its output is all read. */
  exited: Promise<number | null>;
}

export interface CliServer extends CliProcess {
  /** The base URL it announced, e.g. http://127.0.0.1:40123. */
  url: string;
  /** Sends `signal` (SIGTERM by default) unless it has exited, and resolves with the exit code. */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

const running = new Set<ChildProcess>();

/** Spawns `adplatform <args>` with ADPLATFORM_PORT=0 plus `env`, collecting its output; does not wait for anything. */
export function spawnCli(args: string[], env: Record<string, string> = {}): CliProcess {
  const child = spawn(process.execPath, [cliPath, ...args], {
    cwd: repoRoot,
    env: { ...process.env, ADPLATFORM_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once('close', (code) => {
      running.delete(child);
      resolve(code);
    });
  });
  return { child, output: () => output, stderr: () => stderr, exited };
}

const READY_LINE = /"url":"(http:\/\/[^"]+)"[^\n]*AdPlatform is listening/;

/**
 * `adplatform serve <args>`, resolved once it has logged that it listens and
 * its /healthz answers 200. If it exits first or the deadline passes, the
 * child is killed and the promise rejects with its stderr and output.
 */
export async function startCli(
  options: { args?: string[]; env?: Record<string, string>; readyTimeoutMs?: number } = {},
): Promise<CliServer> {
  const proc = spawnCli(['serve', ...(options.args ?? [])], options.env);
  const timeoutMs = options.readyTimeoutMs ?? CLI_READY_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void proc.exited.then((code) => {
    exitCode = code;
  });
  const fail = async (why: string): Promise<never> => {
    if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill('SIGKILL');
    await proc.exited;
    throw new Error(`adplatform serve ${why}\n--- stderr ---\n${proc.stderr()}\n--- stdout and stderr ---\n${proc.output()}`);
  };

  let url: string | undefined;
  while (url === undefined) {
    url = READY_LINE.exec(proc.output())?.[1];
    if (url !== undefined) break;
    if (exitCode !== undefined) return fail(`exited with ${exitCode} before it was ready`);
    if (Date.now() > deadline) return fail(`logged no readiness line in ${timeoutMs / 1000} s`);
    await sleep(50);
  }
  for (;;) {
    if (exitCode !== undefined) return fail(`exited with ${exitCode} before /healthz answered`);
    const status = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5_000) }).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) break;
    if (Date.now() > deadline) return fail(`announced ${url} but /healthz did not answer 200 in ${timeoutMs / 1000} s (last: ${status})`);
    await sleep(100);
  }
  const stop = (signal: NodeJS.Signals = 'SIGTERM') => {
    if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill(signal);
    return proc.exited;
  };
  return { ...proc, url, stop };
}

/**
 * For afterAll: SIGTERMs every CLI process this file started that is still
 * running (a test that failed half-way leaves one), SIGKILLs any still there
 * 20 s later, and waits for them to exit.
 */
export async function stopAllCli(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
