import { createInbox, headers, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';

/** One message for a JetStream subject; `msgId` goes out as the `Nats-Msg-Id` header the stream deduplicates on. */
export interface OutgoingMessage {
  subject: string;
  data: Uint8Array;
  msgId?: string;
}

/** What the stream answered for a batch: how many it stored and how many it dropped as duplicates within its window. */
export interface PublishOutcome {
  stored: number;
  duplicates: number;
}

const decoder = new TextDecoder();

interface PendingBatch {
  left: number;
  outcome: PublishOutcome;
  resolve: (outcome: PublishOutcome) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * Pipelined JetStream publishing. `nc.request` per message costs a timer, a
 * promise and a map entry each; here every message of a batch carries the
 * reply subject `<inbox>.<batch>` under one wildcard subscription, all are
 * written before the first ack is awaited, and the batch settles when its
 * last PubAck arrives (or the first error, or `ackTimeoutMs`).
 *
 * Ordering: `publishAll` writes its messages synchronously, so on one
 * connection the messages of one call reach the stream contiguously and in
 * order even when calls run concurrently.
 */
export class AckedPublisher {
  private readonly inbox = createInbox();
  private readonly pending = new Map<number, PendingBatch>();
  private readonly subscription: Subscription;
  private nextBatch = 1;

  constructor(
    private readonly nc: NatsConnection,
    private readonly ackTimeoutMs: number,
  ) {
    this.subscription = nc.subscribe(`${this.inbox}.*`, { callback: (_error, msg) => this.onAck(msg) });
  }

  /** How many batches wait for acks. */
  get inFlight(): number {
    return this.pending.size;
  }

  /** Publishes every message; resolves once the stream acknowledged all of them (stored or duplicate). */
  publishAll(messages: readonly OutgoingMessage[]): Promise<PublishOutcome> {
    if (messages.length === 0) return Promise.resolve({ stored: 0, duplicates: 0 });
    const batch = this.nextBatch++;
    const reply = `${this.inbox}.${batch}`;
    const settled = new Promise<PublishOutcome>((resolve, reject) => {
      const timer = setTimeout(
        () => this.fail(batch, new Error(`JetStream did not acknowledge within ${this.ackTimeoutMs} ms`)),
        this.ackTimeoutMs,
      );
      this.pending.set(batch, { left: messages.length, outcome: { stored: 0, duplicates: 0 }, resolve, reject, timer });
    });
    try {
      for (const message of messages) {
        let msgHeaders: ReturnType<typeof headers> | undefined;
        if (message.msgId !== undefined) {
          msgHeaders = headers();
          msgHeaders.set('Nats-Msg-Id', message.msgId);
        }
        this.nc.publish(message.subject, message.data, { reply, headers: msgHeaders });
      }
    } catch (error) {
      // Those already written may still be stored: a retry with the same ids is deduplicated.
      this.fail(batch, error instanceof Error ? error : new Error(String(error)));
    }
    return settled;
  }

  /** Stops listening for acks; batches still waiting reject. */
  close(): void {
    for (const batch of [...this.pending.keys()]) this.fail(batch, new Error('the publisher closed before JetStream acknowledged'));
    this.subscription.unsubscribe();
  }

  private onAck(msg: Msg): void {
    const batch = Number(msg.subject.slice(this.inbox.length + 1));
    const state = this.pending.get(batch);
    if (!state) return; // a batch that already failed or timed out
    const ack = parsePubAck(msg);
    if (ack instanceof Error) {
      this.fail(batch, ack);
      return;
    }
    if (ack.duplicate) state.outcome.duplicates++;
    else state.outcome.stored++;
    if (--state.left > 0) return;
    clearTimeout(state.timer);
    this.pending.delete(batch);
    state.resolve(state.outcome);
  }

  private fail(batch: number, error: Error): void {
    const state = this.pending.get(batch);
    if (!state) return;
    clearTimeout(state.timer);
    this.pending.delete(batch);
    state.reject(error);
  }
}

/** A PubAck's duplicate flag, or why the stream did not store the message. */
function parsePubAck(msg: Msg): { duplicate: boolean } | Error {
  if (msg.headers?.code === 503) return new Error('no JetStream stream listens on the subject (503 no responders)');
  let ack: { error?: { code?: number; description?: string }; duplicate?: boolean };
  try {
    ack = JSON.parse(decoder.decode(msg.data));
  } catch {
    return new Error('JetStream answered a publish with something other than a PubAck');
  }
  if (ack.error) return new Error(`JetStream refused a publish: ${ack.error.description ?? ack.error.code}`);
  return { duplicate: ack.duplicate === true };
}
