import { JetStreamApiCodes, JetStreamApiError, type JetStreamManager, type StreamConfig } from '@nats-io/jetstream';

/** "stream name already in use" with a different configuration: another process created it first. */
const STREAM_NAME_IN_USE = 10058;

/**
 * Creates the stream, or brings an existing one's subjects and duplicate
 * window up to `config` (other settings an operator changed are kept).
 * Safe to run from many processes at once.
 */
export async function ensureStream(
  jsm: JetStreamManager,
  config: Partial<StreamConfig> & { name: string; subjects: string[] },
): Promise<void> {
  let existing: StreamConfig;
  try {
    existing = (await jsm.streams.info(config.name)).config;
  } catch (error) {
    if (!(error instanceof JetStreamApiError) || error.code !== JetStreamApiCodes.StreamNotFound) throw error;
    try {
      await jsm.streams.add(config);
      return;
    } catch (addError) {
      if (!(addError instanceof JetStreamApiError) || addError.code !== STREAM_NAME_IN_USE) throw addError;
      existing = (await jsm.streams.info(config.name)).config;
    }
  }
  const subjects = [...new Set([...(existing.subjects ?? []), ...config.subjects])];
  const window = config.duplicate_window ?? existing.duplicate_window;
  if (subjects.length === (existing.subjects ?? []).length && window === existing.duplicate_window) return;
  await jsm.streams.update(config.name, { ...existing, subjects, duplicate_window: window });
}
