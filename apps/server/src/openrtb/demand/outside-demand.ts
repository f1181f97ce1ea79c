import { type CurrencyRates, createCurrencyRates, createRefreshingRates } from './currency-rates.js';
import { createDemandFanout, type DemandFanoutHandle } from './demand-fanout.js';
import { createNoticeNotifier, type NoticeNotifier } from './notice-notifier.js';
import { createOutboundClient, type OutboundClient } from './outbound-client.js';

/**
 * The exchange's outside demand wired from configuration in one call: one
 * outbound client (socket pool, SSRF guard) shared by the fan-out and the
 * notices, and the currency rates (refreshed from a URL when one is set).
 * `serve` passes `config.demand` and `config.allowPrivateOutbound`.
 */
export interface OutsideDemandSettings {
  ratesUrl?: string | undefined;
  ratesRefreshMinutes?: number;
  networkBufferMs?: number;
  minResponseMs?: number;
  maxSocketsPerPartner?: number;
  requestGzip?: boolean;
}

export interface OutsideDemand {
  fanout: DemandFanoutHandle;
  notifier: NoticeNotifier;
  rates: CurrencyRates;
  client: OutboundClient;
  /** Stops the rates refresh, waits for queued notices (up to `graceMs`), closes the sockets. */
  close(graceMs?: number): Promise<void>;
}

export function createOutsideDemand(options: {
  allowPrivateOutbound: boolean;
  settings?: OutsideDemandSettings;
  now?: () => number;
  /** Where a failed rates refresh is reported. */
  onRatesError?: (reason: string) => void;
}): OutsideDemand {
  const settings = options.settings ?? {};
  const client = createOutboundClient({
    allowPrivate: options.allowPrivateOutbound,
    ...(settings.maxSocketsPerPartner ? { maxSocketsPerOrigin: settings.maxSocketsPerPartner } : {}),
  });
  const refreshing = settings.ratesUrl
    ? createRefreshingRates({
        url: settings.ratesUrl,
        intervalMs: (settings.ratesRefreshMinutes ?? 60) * 60_000,
        ...(options.onRatesError ? { onError: options.onRatesError } : {}),
      })
    : undefined;
  const rates = refreshing ?? createCurrencyRates();
  const fanout = createDemandFanout({
    rates,
    allowPrivateOutbound: options.allowPrivateOutbound,
    client,
    ...(options.now ? { now: options.now } : {}),
    policy: {
      ...(settings.networkBufferMs === undefined ? {} : { networkBufferMs: settings.networkBufferMs }),
      ...(settings.minResponseMs === undefined ? {} : { minResponseMs: settings.minResponseMs }),
    },
    ...(settings.requestGzip === undefined ? {} : { requestGzip: settings.requestGzip }),
  });
  const notifier = createNoticeNotifier({ client });
  return {
    fanout,
    notifier,
    rates,
    client,
    async close(graceMs = 2_000) {
      refreshing?.stop();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([notifier.idle(), new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
      clearTimeout(timer);
      await fanout.close();
      client.close();
    },
  };
}
