import { randomBytes } from 'node:crypto';
import type { DeliveryLineItem } from '@adplatform/decision-core';
import type { Clock } from '@adplatform/domain';
import type { ChangeBus, CounterStore, DeliveryEvent, EventLog, MetadataStore } from '@adplatform/ports';
import { AllowanceManager } from './budget/allowances.js';
import { budgetKeysOf } from './budget/budget-keys.js';
import { SpendSnapshot } from './budget/spend-snapshot.js';
import { DeliveryCatalog } from './catalog/delivery-catalog.js';
import { createRequestContextExtractor, type RequestContextExtractor } from './context/request-context-extractor.js';
import { DecisionService } from './decisions/decision.service.js';
import type { TrackingSigner } from './tracking/tracking-signer.js';

export interface DeliveryOptions {
  /** Where the generated user-key salt is kept when none is configured; without either, a random salt per process. */
  dataDir?: string | undefined;
  userKeySalt?: string | undefined;
  explainSampleRate?: number | undefined;
  /** Seeded randomness for tests; Math.random otherwise. */
  random?: (() => number) | undefined;
  /** Debounce of index rebuilds after changes (default 50 ms). */
  rebuildDebounceMs?: number | undefined;
  geoDbPath?: string | undefined;
  /** How often every deliverable budget's allowance is renewed (default 60 s, under the lease lifetime). */
  warmIntervalMs?: number | undefined;
}

export interface DeliveryDeps {
  store: MetadataStore;
  bus: ChangeBus;
  clock: Clock;
  counters: CounterStore;
  eventLog: EventLog;
  signer: TrackingSigner;
  log?: { error(obj: unknown, msg: string): void };
}

/** The delivery role of one process: snapshots, context, budgets and the decision service, started and stopped together. */
export interface Delivery {
  readonly catalog: DeliveryCatalog;
  readonly contexts: RequestContextExtractor;
  readonly allowances: AllowanceManager;
  readonly spend: SpendSnapshot;
  readonly decisions: DecisionService;
  /** The tracking routes' landing-URL lookup: the creative's, from memory. */
  landingUrlOf(organizationId: string, creativeId: string): string | undefined;
  /** Leases (or keeps) the allowances of every deliverable line item's budgets now; runs every minute by itself. */
  warmBudgets(): void;
  /** Tracked impressions, clicks and conversions spend from their line item's budgets. */
  onTracked(event: DeliveryEvent): void;
  close(): Promise<void>;
}

export async function startDelivery(deps: DeliveryDeps, options: DeliveryOptions): Promise<Delivery> {
  const onError = (err: unknown) => deps.log?.error({ err }, 'delivery counters');
  const allowances = new AllowanceManager({ counters: deps.counters, clock: deps.clock, onError });
  const catalog = new DeliveryCatalog({
    store: deps.store,
    bus: deps.bus,
    clock: deps.clock,
    debounceMs: options.rebuildDebounceMs,
    log: deps.log,
    // Lease the budgets of the line items new in a snapshot at once (a key has no allowance until its first
    // lease arrives); the others already hold theirs, and the timer below renews them.
    onSwap: (_snapshot, changed) => warmLineItems(changed),
  });
  const warmLineItems = (lineItems: readonly DeliveryLineItem[]) => {
    const nowMs = deps.clock.now().getTime();
    for (const lineItem of lineItems) if (lineItem.budgets?.length) allowances.warm(budgetKeysOf(lineItem, nowMs));
  };
  // Keep leases for every deliverable line item, not only busy ones: a line item with one request an hour
  // must find its allowance ready, and a new day's keys are leased within a minute of local midnight.
  const warmAll = () => {
    for (const snapshot of catalog.snapshotsNow()) warmLineItems(snapshot.index.lineItems);
  };
  const warmTimer = setInterval(warmAll, options.warmIntervalMs ?? 60_000);
  warmTimer.unref();
  const contexts = await createRequestContextExtractor({
    store: deps.store,
    bus: deps.bus,
    dataDir: options.dataDir ?? '',
    userKeySalt: options.userKeySalt ?? (options.dataDir ? undefined : randomBytes(32).toString('base64url')),
    geoDbPath: options.geoDbPath,
    log: deps.log,
  });
  const spend = new SpendSnapshot({ counters: deps.counters, spend: allowances.spend, clock: deps.clock, onError });
  await catalog.start();
  allowances.start();
  spend.start();
  const decisions = new DecisionService({
    catalog,
    contexts,
    counters: deps.counters,
    allowances,
    spend,
    signer: deps.signer,
    eventLog: deps.eventLog,
    clock: deps.clock,
    random: options.random,
    explainSampleRate: options.explainSampleRate ?? 0,
    log: deps.log,
  });
  return {
    catalog,
    contexts,
    allowances,
    spend,
    decisions,
    landingUrlOf: (organizationId, creativeId) => catalog.forOrganization(organizationId)?.creatives.get(creativeId)?.data.clickUrl,
    onTracked(event) {
      if (event.costMicros === undefined || event.lineItemId === undefined) return;
      const lineItem = catalog.lineItem(event.lineItemId);
      if (!lineItem) return;
      // The day of the decision, whose allowance the cost was reserved from.
      const decidedAtMs = typeof event.data?.decidedAtMs === 'number' ? event.data.decidedAtMs : event.at;
      const cost = BigInt(event.costMicros);
      for (const { key } of budgetKeysOf(lineItem, decidedAtMs)) allowances.recordSpend(key, cost);
    },
    warmBudgets: warmAll,
    async close() {
      clearInterval(warmTimer);
      await catalog.close();
      await contexts.close();
      spend.close();
      await allowances.close();
    },
  };
}
