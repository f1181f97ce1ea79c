import { createRoot } from 'solid-js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLiveStats, type Second } from './live-stats.js';

/** A stand-in for the browser's EventSource: the test plays the server's side of the stream contract. */
class FakeEventSource {
  static CLOSED = 2;
  static last: FakeEventSource | undefined;
  readyState = 1;
  onerror: (() => void) | null = null;
  private listeners = new Map<string, ((event: { data: string }) => void)[]>();
  constructor(readonly url: string) {
    FakeEventSource.last = this;
  }
  addEventListener(type: string, listener: (event: { data: string }) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  emit(type: string, data: unknown) {
    for (const listener of this.listeners.get(type) ?? []) listener({ data: JSON.stringify(data) });
  }
  close() {
    this.readyState = 2;
  }
}

const second = (t: number, requests: number): Second => ({
  t,
  requests,
  filled: requests,
  impressions: requests,
  viewables: 0,
  clicks: 0,
  conversions: 0,
  fillRate: requests ? 1 : null,
  spendMicros: '0',
  revenueMicros: '0',
});

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

afterEach(() => {
  vi.unstubAllGlobals();
  FakeEventSource.last = undefined;
});

describe('live stats stream (GET /api/v1/stats/live)', () => {
  it('says the stream is unavailable when the server answers 404, and opens no stream', async () => {
    vi.stubGlobal('fetch', async () => new Response('{"code":"NOT_FOUND"}', { status: 404 }));
    vi.stubGlobal('EventSource', FakeEventSource);
    await createRoot(async (dispose) => {
      const live = createLiveStats();
      await settle();
      expect(live.state()).toBe('unavailable');
      expect(FakeEventSource.last).toBeUndefined();
      dispose();
    });
  });

  it('takes the snapshot, then appends each second, keeping the last 300', async () => {
    vi.stubGlobal('fetch', async () => new Response('', { status: 200, headers: { 'content-type': 'text/event-stream' } }));
    vi.stubGlobal('EventSource', FakeEventSource);
    await createRoot(async (dispose) => {
      const live = createLiveStats();
      await settle();
      const source = FakeEventSource.last!;
      expect(source.url).toBe('/api/v1/stats/live');
      source.emit('snapshot', { seconds: Array.from({ length: 300 }, (_, i) => second(1000 + i, i)) });
      expect(live.state()).toBe('live');
      expect(live.seconds()).toHaveLength(300);
      source.emit('second', second(1300, 7));
      expect(live.seconds()).toHaveLength(300);
      expect(live.seconds()[0]?.t).toBe(1001);
      expect(live.seconds().at(-1)).toEqual(second(1300, 7));
      source.onerror?.();
      expect(live.state()).toBe('reconnecting');
      dispose();
      expect(source.readyState).toBe(FakeEventSource.CLOSED);
    });
  });
});
