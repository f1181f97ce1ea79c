import type { Clock } from '@adplatform/domain';
import type { ChangeBus, CounterStore, EventLog, MetadataStore } from '@adplatform/ports';
import type { FastifyInstance } from 'fastify';
import type { Delivery } from '../delivery/delivery.js';
import type { TrackingSigner } from '../delivery/tracking/tracking-signer.js';
import { BidderService } from './bidder/bidder.service.js';
import { type CurrencyRates, createCurrencyRates } from './demand/currency-rates.js';
import type { DemandFanout, DemandPartnerTarget } from './demand/demand-types.js';
import type { NoticeNotifier } from './demand/notice-notifier.js';
import { createOutsideDemand, type OutsideDemandSettings } from './demand/outside-demand.js';
import { ExchangeService } from './exchange/exchange.service.js';
import { PartnerDirectory } from './exchange/partner-directory.js';
import { DEFAULT_OPENRTB_BODY_LIMIT_BYTES, openrtbRoutes } from './openrtb.routes.js';
import { installOpenRtbFastPath } from './openrtb-fast-path.js';

export interface OpenRtbOptions {
  /** Bid request body limit, bytes (default 256 KiB). */
  bodyLimitBytes?: number;
  /** The exchange currency (default USD). */
  currency?: string;
  /** Outside demand; default the real fan-out (`createOutsideDemand`) over the organization's demand partners. */
  fanout?: DemandFanout;
  /** An organization's active demand partners; default the management API's, kept in memory. */
  partnersOf?: (organizationId: string) => readonly DemandPartnerTarget[];
  rates?: CurrencyRates;
  notifier?: NoticeNotifier;
  /** The fan-out's settings (rates URL, network buffer, sockets…), when it is built here. */
  demand?: OutsideDemandSettings;
  /** Behind a trusted proxy the caller's IP and origin come from forwarded headers: every auction then takes the Fastify route. */
  trustProxy?: boolean;
  /** Let partner endpoints be loopback or private addresses (tests, private networks). */
  allowPrivateOutbound?: boolean;
  /** Our schain node's `asi` (ADPLATFORM_SELLER_DOMAIN); default the host of the public URL the request came to. */
  sellerDomain?: string | undefined;
  /** Taken off `tmax` for our own processing and the network (default 30 ms). */
  marginMs?: number;
  random?: () => number;
}

export interface OpenRtbDeps {
  delivery: Delivery;
  store: Pick<MetadataStore, 'organizations' | 'resources'>;
  bus: ChangeBus;
  counters: CounterStore;
  eventLog: EventLog;
  signer: TrackingSigner;
  clock: Clock;
  publicUrl?: string | undefined;
}

/** Mounts `/openrtb2/auction` and `/openrtb2/bid` on the app, over the delivery role's parts and the outside demand. */
export async function registerOpenRtb(app: FastifyInstance, deps: OpenRtbDeps, options: OpenRtbOptions = {}): Promise<void> {
  const outside =
    options.fanout === undefined
      ? createOutsideDemand({
          allowPrivateOutbound: options.allowPrivateOutbound ?? false,
          settings: options.demand,
          onRatesError: (reason) => app.log.warn({ reason }, 'currency rates refresh failed'),
        })
      : undefined;
  const rates = options.rates ?? outside?.rates;
  let partnersOf = options.partnersOf;
  if (!partnersOf) {
    const directory = new PartnerDirectory({ store: deps.store, bus: deps.bus, log: app.log });
    await directory.start();
    app.addHook('onClose', async () => directory.close());
    partnersOf = (organizationId) => directory.partnersOf(organizationId);
  }
  const common = { ...deps, rates: rates ?? createCurrencyRates(), currency: options.currency, random: options.random, log: app.log };
  const exchange = new ExchangeService({
    ...common,
    fanout: options.fanout ?? outside!.fanout,
    notifier: options.notifier ?? outside?.notifier,
    partnersOf,
    marginMs: options.marginMs,
    sellerDomain: options.sellerDomain,
  });
  const bidder = new BidderService(common);
  app.addHook('onClose', async () => {
    await exchange.auctionLog.flush();
    if (outside) await outside.close();
    else await options.fanout?.close();
  });
  await app.register(openrtbRoutes, { exchange, bidder, bodyLimitBytes: options.bodyLimitBytes, publicUrl: deps.publicUrl });
  // The plain auction skips Fastify's lifecycle (openrtb-fast-path.ts); behind a trusted proxy every request takes the route.
  if (!options.trustProxy) {
    const bodyLimitBytes = options.bodyLimitBytes ?? DEFAULT_OPENRTB_BODY_LIMIT_BYTES;
    installOpenRtbFastPath(app, { exchange, bodyLimitBytes, publicUrl: deps.publicUrl });
  }
}
