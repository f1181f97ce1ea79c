// How often this machine takes a core away from a program that never blocks: a loop on one pinned CPU reads the
// clock as fast as it can, and every gap between two reads longer than --gap-us is time the loop did not run
// (another thread or process, the kernel, or the hypervisor had the core). Latency percentiles measured on this
// machine cannot be lower than what these gaps allow: at an even rate, a request arriving in a gap waits it out.
// Run: node --import tsx bench/src/machine-jitter.bench.ts [--seconds 10] [--gap-us 100] [--cpus 0,1]
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { fixed, machineFacts, markdownTable, printFacts } from './report.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    'gap-us': { type: 'string', default: '100' },
    cpus: { type: 'string', default: '0,1' },
    child: { type: 'boolean', default: false },
  },
});
const SECONDS = Number(values.seconds);
const GAP_MS = Number(values['gap-us']) / 1000;

/** In the pinned child: spin for SECONDS and print the gaps as JSON. */
function spin(): void {
  const gaps: number[] = [];
  const end = performance.now() + SECONDS * 1000;
  let last = performance.now();
  for (;;) {
    const now = performance.now();
    if (now - last > GAP_MS) gaps.push(now - last);
    last = now;
    if (now > end) break;
  }
  console.log(JSON.stringify(gaps));
}

function main(): void {
  printFacts(machineFacts(), { loop: `${SECONDS} s per CPU, gaps over ${values['gap-us']} µs counted` });
  const rows: string[][] = [];
  for (const cpu of values.cpus.split(',')) {
    const run = spawnSync(
      'taskset',
      [
        '-c',
        cpu,
        process.execPath,
        ...process.execArgv,
        process.argv[1] as string,
        '--child',
        '--seconds',
        String(SECONDS),
        '--gap-us',
        String(values['gap-us']),
      ],
      {
        encoding: 'utf8',
      },
    );
    if (run.status !== 0) throw new Error(`the loop on CPU ${cpu} failed: ${run.stderr}`);
    const gaps = (JSON.parse(run.stdout.trim().split('\n').pop() as string) as number[]).sort((a, b) => b - a);
    const lost = gaps.reduce((sum, gap) => sum + gap, 0);
    const over = (ms: number) => gaps.filter((gap) => gap > ms).length;
    rows.push([
      `CPU ${cpu}`,
      String(gaps.length),
      String(over(1)),
      String(over(2)),
      String(over(5)),
      fixed(gaps[0] ?? 0, 2),
      gaps
        .slice(0, 5)
        .map((gap) => fixed(gap, 1))
        .join(', '),
      fixed((lost / (SECONDS * 1000)) * 100, 3),
    ]);
  }
  console.log(
    markdownTable(
      ['loop on', `gaps > ${values['gap-us']} µs`, '> 1 ms', '> 2 ms', '> 5 ms', 'longest ms', 'five longest ms', '% of time lost'],
      rows,
    ),
  );
}

if (values.child) spin();
else main();
