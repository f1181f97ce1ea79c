import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createRequestLogger, RequestLogger } from './request-logger.js';

function capture(level: string) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { logger: pino({ level, base: null, timestamp: false }, stream), lines };
}

describe('request logger', () => {
  it('writes what the eager pino child would, with the request id bound', () => {
    const lazy = capture('info');
    const eager = capture('info');
    const lazyLog = createRequestLogger(lazy.logger, { reqId: 'r-1' }, {});
    const eagerLog = eager.logger.child({ reqId: 'r-1' });
    for (const log of [lazyLog, eagerLog]) {
      log.debug({ route: '/v1/decisions' }, 'request');
      log.info({ route: '/v1/decisions', status: 200 }, 'request');
      log.error(new Error('boom'), 'failed');
      log.child({ part: 'x' }).warn('nested');
    }
    const strip = (lines: Record<string, unknown>[]) => lines.map(({ err: _err, ...rest }) => rest);
    expect(lazy.lines.length).toBe(3);
    expect(strip(lazy.lines)).toEqual(strip(eager.lines));
    expect(lazy.lines[0]).toMatchObject({ level: 30, reqId: 'r-1', route: '/v1/decisions', status: 200, msg: 'request' });
  });

  it('makes no child while nothing is written at an enabled level', () => {
    const { logger } = capture('warn');
    let children = 0;
    const counting = Object.assign(Object.create(logger), {
      child: (...args: Parameters<typeof logger.child>) => {
        children++;
        return logger.child(...args);
      },
    });
    const log = createRequestLogger(counting, { reqId: 'r-2' }, {});
    expect(log).toBeInstanceOf(RequestLogger);
    log.debug('no');
    log.info('no');
    expect(children).toBe(0);
    expect(log.level).toBe('warn');
    log.warn('yes');
    expect(children).toBe(1);
  });

  it('leaves a route with its own level to pino', () => {
    const { logger } = capture('info');
    const log = createRequestLogger(logger, { reqId: 'r-3' }, { level: 'debug' });
    expect(log).not.toBeInstanceOf(RequestLogger);
    expect(log.level).toBe('debug');
  });
});
