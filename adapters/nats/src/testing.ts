import { randomUUID } from 'node:crypto';
import { JetStreamApiCodes, JetStreamApiError, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';

/** A stream and subject of a test run's own, so parallel test files never share a log. */
export function uniqueStreamNames(): { stream: string; subject: string } {
  const token = randomUUID().replaceAll('-', '');
  return { stream: `ADP_TEST_${token}`, subject: `adp-test.${token}.events` };
}

/** Deletes the named streams (a test run's own); missing ones are fine. */
export async function deleteNatsStreams(url: string, streams: readonly string[]): Promise<void> {
  const nc = await connect({ servers: url });
  try {
    const jsm = await jetstreamManager(nc);
    for (const stream of streams) {
      if (!/TEST/.test(stream)) throw new RangeError(`refusing to delete ${stream}: not a test stream`);
      await jsm.streams.delete(stream).catch((error: unknown) => {
        if (!(error instanceof JetStreamApiError) || error.code !== JetStreamApiCodes.StreamNotFound) throw error;
      });
    }
  } finally {
    await nc.close();
  }
}
