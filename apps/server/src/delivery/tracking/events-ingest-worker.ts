/**
 * The worker thread of `createEventLinesPool`: parses NDJSON bodies with the
 * same `parseEventLines` as the route's thread and answers the events packed
 * (events-ingest-packed.ts), so the app's event loop only rebuilds them.
 */
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { parseEventLines } from './events-ingest-lines.js';
import { packEvents, packedTransferList } from './events-ingest-packed.js';
import type { LinesWorkerData, LinesWorkerReply, LinesWorkerRequest } from './events-ingest-pool.js';

if (!parentPort) throw new Error('events-ingest-worker runs as a worker thread');
const port = parentPort;
const data = workerData as LinesWorkerData;

// Linux keeps a nice value per thread: pid 0 is this thread only.
if (data.niceness !== undefined) {
  try {
    setPriority(0, data.niceness);
  } catch {
    // Not permitted or not supported: run at the process's priority.
  }
}

port.on('message', (request: LinesWorkerRequest) => {
  let reply: LinesWorkerReply;
  try {
    const body = Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength);
    const { events, rejected, tooMany } = parseEventLines(body, request.options);
    const packed = packEvents(events);
    reply = { id: request.id, ok: true, packed, rejected, tooMany };
    port.postMessage(reply, packedTransferList(packed));
  } catch (error) {
    reply = { id: request.id, ok: false, message: error instanceof Error ? error.message : String(error) };
    port.postMessage(reply);
  }
});
