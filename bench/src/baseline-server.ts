// The baseline of every HTTP benchmark: a bare Fastify hello-world, the fastest
// a Fastify route can answer on this machine. Prints one JSON line with its URL.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));

const url = await app.listen({ port: Number(process.env['BENCH_PORT'] ?? 0), host: '127.0.0.1' });
console.log(JSON.stringify({ msg: 'baseline is listening', url }));

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    app.close().then(() => process.exit(0));
  });
}
