import { createSignal, onCleanup } from 'solid-js';

/** One second of the organization's traffic (the live stats stream contract). */
export interface Second {
  t: number;
  requests: number;
  filled: number;
  impressions: number;
  viewables: number;
  clicks: number;
  conversions: number;
  fillRate: number | null;
  spendMicros: string;
  revenueMicros: string;
}

export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'unavailable';

const WINDOW_SECONDS = 300;

/**
 * Follows GET /api/v1/stats/live (Server-Sent Events): a snapshot of the last
 * 300 s, then one `second` event per second. When the server has no such
 * stream (404) the state is `unavailable` and nothing retries; other failures
 * let EventSource reconnect (the server asks for 2 s).
 */
export function createLiveStats(url = '/api/v1/stats/live') {
  const [seconds, setSeconds] = createSignal<Second[]>([]);
  const [state, setState] = createSignal<LiveState>('connecting');
  let source: EventSource | undefined;
  let closed = false;

  const open = async () => {
    // EventSource hides the status code: open the stream once with fetch to see whether it exists, then let go.
    const probe = new AbortController();
    try {
      const response = await fetch(url, { credentials: 'same-origin', signal: probe.signal });
      probe.abort();
      if (!response.ok) return setState('unavailable');
    } catch {
      // Let EventSource try and report.
    }
    if (closed) return;
    source = new EventSource(url, { withCredentials: true });
    source.addEventListener('snapshot', (event) => {
      const data = JSON.parse((event as MessageEvent<string>).data) as { seconds: Second[] };
      setSeconds(data.seconds.slice(-WINDOW_SECONDS));
      setState('live');
    });
    source.addEventListener('second', (event) => {
      const second = JSON.parse((event as MessageEvent<string>).data) as Second;
      setSeconds((all) => [...all.slice(-(WINDOW_SECONDS - 1)), second]);
      setState('live');
    });
    source.onerror = () => {
      if (source?.readyState === EventSource.CLOSED) setState('unavailable');
      else setState('reconnecting');
    };
  };
  void open();
  onCleanup(() => {
    closed = true;
    source?.close();
  });
  return { seconds, state };
}
