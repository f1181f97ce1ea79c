import { assertConsumerOffset, type DeliveryEvent, type EventLog } from '@adplatform/ports';
import { DiscardPolicy, type JetStreamManager, jetstreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { AckedPublisher } from './acked-publisher.js';
import { ensureStream } from './ensure-stream.js';
import { SequenceReader } from './sequence-reader.js';

export interface NatsEventLogOptions {
  /** `nats://host:port` (or `tls://`); several servers separated by commas. */
  url: string;
  /** The JetStream stream holding the events. Default `ADPLATFORM_EVENTS`. */
  stream?: string;
  /** The one subject events are published on; the stream captures it. Default `adplatform.events`. */
  subject?: string;
  /** Within this window JetStream drops a second publish of the same event id. Default 120,000 (2 minutes). */
  duplicateWindowMs?: number;
  /** Stream replicas in a JetStream cluster (1, 3 or 5). Default 1. */
  replicas?: number;
  /** Retention by age (limits retention); 0 keeps events until removed by hand. Default 0. */
  maxAgeMs?: number;
  /** How long an append or a read waits for JetStream before it rejects. Default 10,000. */
  timeoutMs?: number;
}

export interface NatsEventLog extends EventLog {
  /** The JetStream stream of the events and the KV bucket of the consumer offsets. */
  readonly streams: { events: string; offsets: string };
}

const NANOS_PER_MS = 1_000_000;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * The event log on a NATS JetStream stream (file storage, limits retention),
 * the scaled-out adapter: every server appends to and reads from one stream.
 *
 * - Offsets are stream sequences minus one: the message with sequence 1 is
 *   offset 0. Sequences never go back, so offsets keep counting across
 *   retention, restarts and servers.
 * - `append` publishes each event with `Nats-Msg-Id` = its id, all of a call's
 *   messages written before the first ack is awaited, and resolves once every
 *   PubAck is in (stored on the stream's replicas). Unlike the local log,
 *   JetStream drops an id it already stored within `duplicateWindowMs`, so a
 *   retried append is stored once; consumers still dedupe by id across the window.
 * - Consumer offsets live in a JetStream KV bucket `<stream>_OFFSETS` (stream
 *   `KV_<stream>_OFFSETS`, one message per consumer, key = consumer name),
 *   written with a PubAck and read from the stream leader, so a commit is
 *   durable and visible once it resolves. A durable JetStream consumer's ack
 *   floor cannot move backwards, and the port allows replay by committing a
 *   smaller offset.
 */
export async function createNatsEventLog(options: NatsEventLogOptions): Promise<NatsEventLog> {
  const stream = options.stream ?? 'ADPLATFORM_EVENTS';
  const subject = options.subject ?? 'adplatform.events';
  const bucket = `${stream}_OFFSETS`;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const nc = await connect({
    servers: options.url.split(','),
    name: 'adplatform-event-log',
    maxReconnectAttempts: -1,
    timeout: timeoutMs,
  });
  let jsm: JetStreamManager;
  try {
    jsm = await jetstreamManager(nc, { timeout: timeoutMs });
    await ensureStreams(jsm, { stream, subject, bucket, options });
  } catch (error) {
    await nc.close();
    throw error;
  }
  const publisher = new AckedPublisher(nc, timeoutMs);
  const reader = new SequenceReader(nc, jsm, stream, timeoutMs);
  const inFlight = new Set<Promise<unknown>>();
  let closing: Promise<void> | undefined;

  /** Runs a write, refusing it once closing began, and lets close() wait for it. */
  const track = <T>(write: () => Promise<T>): Promise<T> => {
    if (closing) return Promise.reject(new Error('the event log is closed'));
    const running = write();
    inFlight.add(running);
    void running.catch(() => undefined).finally(() => inFlight.delete(running));
    return running;
  };

  return {
    kind: 'nats',
    streams: { events: stream, offsets: `KV_${bucket}` },
    async append(events) {
      const messages = events.map((event) => ({ subject, data: encoder.encode(JSON.stringify(event)), msgId: event.id }));
      await track(() => publisher.publishAll(messages));
    },
    async read(offset, limit) {
      if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError('offset must be a non-negative integer');
      if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError('limit must be a non-negative integer');
      const { state } = await jsm.streams.info(stream);
      const end = state.last_seq;
      const oldest = state.messages > 0 ? state.first_seq - 1 : end;
      const from = Math.min(Math.max(offset, oldest), end);
      const count = Math.min(limit, end - from);
      if (count === 0) return { events: [], next: from };
      const messages = await reader.read(from + 1, count);
      const events = messages.map((message) => JSON.parse(decoder.decode(message.data)) as DeliveryEvent);
      return { events, next: messages.at(-1)?.seq ?? from };
    },
    async committedOffset(consumer) {
      assertConsumerOffset(consumer);
      // From the stream leader (not a direct get, which a replica may answer stale).
      const stored = await jsm.streams.getMessage(`KV_${bucket}`, { last_by_subj: `$KV.${bucket}.${consumer}` });
      if (!stored || stored.data.length === 0) return 0; // never committed, or a KV delete marker
      return Number(decoder.decode(stored.data));
    },
    async commitOffset(consumer, offset) {
      assertConsumerOffset(consumer, offset);
      // Written synchronously on the one connection: commits of one consumer land in call order.
      await track(() => publisher.publishAll([{ subject: `$KV.${bucket}.${consumer}`, data: encoder.encode(String(offset)) }]));
    },
    close() {
      closing ??= (async () => {
        await Promise.allSettled([...inFlight]);
        await reader.close();
        publisher.close();
        await nc.drain();
      })();
      return closing;
    },
  };
}

async function ensureStreams(
  jsm: JetStreamManager,
  names: { stream: string; subject: string; bucket: string; options: NatsEventLogOptions },
): Promise<void> {
  const { stream, subject, bucket, options } = names;
  const replicas = options.replicas ?? 1;
  await ensureStream(jsm, {
    name: stream,
    subjects: [subject],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    duplicate_window: (options.duplicateWindowMs ?? 120_000) * NANOS_PER_MS,
    max_age: (options.maxAgeMs ?? 0) * NANOS_PER_MS,
    num_replicas: replicas,
  });
  // Laid out as a JetStream KV bucket, so `nats kv get <stream>_OFFSETS <consumer>` shows an offset.
  await ensureStream(jsm, {
    name: `KV_${bucket}`,
    subjects: [`$KV.${bucket}.>`],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.New,
    max_msgs_per_subject: 1,
    allow_rollup_hdrs: true,
    deny_delete: true,
    allow_direct: true,
    duplicate_window: 120_000 * NANOS_PER_MS,
    num_replicas: replicas,
  });
}
