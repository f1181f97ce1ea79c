import { AckPolicy, DeliverPolicy, type JetStreamManager } from '@nats-io/jetstream';
import { createInbox, type Msg, type NatsConnection } from '@nats-io/transport-node';

/** A stored message as the reader hands it out: its stream sequence and payload. */
export interface SequencedMessage {
  seq: number;
  data: Uint8Array;
}

interface Cursor {
  name: string;
  /** The stream sequence the consumer delivers next. */
  nextSeq: number;
  usedAtMs: number;
}

/** Ephemeral consumers the server forgets after this long unused; the reader replaces its own well before. */
const INACTIVE_THRESHOLD_MS = 60_000;
const CURSOR_REUSE_MS = INACTIVE_THRESHOLD_MS / 2;

/**
 * Reads a stream by sequence on nats-server 2.9: an ephemeral pull consumer
 * (memory storage, no acks) starting at the wanted sequence, and one pull
 * request with `no_wait` for exactly the messages known to exist. Measured on
 * the shared 2-core machine: about 7-10 ms for 1,000 messages, against about
 * 80 ms for 1,000 pipelined direct gets (batch direct get needs 2.11).
 *
 * A reader that reads on from where it stopped (a consumer of the log) keeps
 * its consumer; a read elsewhere replaces it. Reads run one at a time.
 */
export class SequenceReader {
  private cursor: Cursor | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
    private readonly stream: string,
    private readonly timeoutMs: number,
  ) {}

  /** Up to `count` messages from sequence `fromSeq` on (fewer where the stream has gaps). */
  read(fromSeq: number, count: number): Promise<SequencedMessage[]> {
    const run = this.queue.then(() => this.readNow(fromSeq, count));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Deletes the reader's consumer (best effort: the server drops it after its inactivity threshold anyway). */
  async close(): Promise<void> {
    await this.queue;
    await this.dropCursor();
  }

  private async readNow(fromSeq: number, count: number): Promise<SequencedMessage[]> {
    const cursor = await this.cursorAt(fromSeq);
    try {
      const messages = await this.pull(cursor.name, count);
      const last = messages.at(-1);
      cursor.nextSeq = last ? last.seq + 1 : cursor.nextSeq;
      cursor.usedAtMs = Date.now();
      return messages;
    } catch (error) {
      await this.dropCursor(); // its position is unknown now
      throw error;
    }
  }

  private async cursorAt(seq: number): Promise<Cursor> {
    const current = this.cursor;
    if (current && current.nextSeq === seq && Date.now() - current.usedAtMs < CURSOR_REUSE_MS) return current;
    await this.dropCursor();
    const info = await this.jsm.consumers.add(this.stream, {
      ack_policy: AckPolicy.None,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: seq,
      inactive_threshold: INACTIVE_THRESHOLD_MS * 1_000_000,
      mem_storage: true,
      num_replicas: 1,
    });
    this.cursor = { name: info.name, nextSeq: seq, usedAtMs: Date.now() };
    return this.cursor;
  }

  private async dropCursor(): Promise<void> {
    const cursor = this.cursor;
    this.cursor = undefined;
    if (cursor) await this.jsm.consumers.delete(this.stream, cursor.name).catch(() => undefined);
  }

  private pull(consumer: string, count: number): Promise<SequencedMessage[]> {
    const inbox = createInbox();
    const messages: SequencedMessage[] = [];
    return new Promise((resolve, reject) => {
      const finish = (error?: Error) => {
        clearTimeout(timer);
        subscription.unsubscribe();
        if (error) reject(error);
        else resolve(messages);
      };
      const timer = setTimeout(() => finish(new Error(`JetStream sent no end to a read within ${this.timeoutMs} ms`)), this.timeoutMs);
      const subscription = this.nc.subscribe(inbox, {
        callback: (_error, msg) => {
          const status = statusOf(msg);
          if (status === undefined) {
            try {
              messages.push({ seq: streamSequenceOf(msg), data: msg.data });
            } catch (error) {
              return finish(error as Error);
            }
            if (messages.length === count) finish();
          } else if (status === 404 || status === 408)
            finish(); // no more messages for now
          else if (status === 503) finish(new Error('the stream reader lost its consumer (503 no responders)'));
          else if (status >= 400) finish(new Error(`JetStream ended a read with status ${status}`));
        },
      });
      const request = JSON.stringify({ batch: count, no_wait: true });
      this.nc.publish(`$JS.API.CONSUMER.MSG.NEXT.${this.stream}.${consumer}`, request, { reply: inbox });
    });
  }
}

/** A status message (no data, a code header: 100 heartbeat, 404 no messages, 408 request expired…), else undefined. */
function statusOf(msg: Msg): number | undefined {
  const code = msg.headers?.code ?? 0;
  return msg.data.length === 0 && code > 0 ? code : undefined;
}

/**
 * The stream sequence from a delivered message's reply subject:
 * `$JS.ACK.<stream>.<consumer>.<delivered>.<streamSeq>.…` (9 tokens) or, on
 * newer servers, `$JS.ACK.<domain>.<account>.<stream>.<consumer>.<delivered>.<streamSeq>.…` (12).
 */
export function streamSequenceOf(msg: Msg): number {
  const tokens = (msg.reply ?? '').split('.');
  const at = tokens.length === 9 ? 5 : 7;
  const seq = Number(tokens[at]);
  if (tokens[0] !== '$JS' || tokens[1] !== 'ACK' || tokens.length < 9 || !Number.isSafeInteger(seq)) {
    throw new Error(`not a JetStream delivery: ${msg.reply}`);
  }
  return seq;
}
