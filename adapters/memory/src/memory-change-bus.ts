import type { ChangeEvent } from '@adplatform/domain';
import type { ChangeBus } from '@adplatform/ports';

/**
 * In-process change bus. Handlers run synchronously in publish order; a handler
 * that throws is reported to `onError` and does not stop the others.
 */
export function createMemoryChangeBus(options: { onError?: (error: unknown, event: ChangeEvent) => void } = {}): ChangeBus {
  const handlers = new Set<(event: ChangeEvent) => void>();
  return {
    publish(event) {
      for (const handler of handlers) {
        try {
          handler(event);
        } catch (error) {
          options.onError?.(error, event);
        }
      }
    },
    subscribe(handler) {
      // Wrapped, so subscribing the same function twice gives two independent subscriptions.
      const own = (event: ChangeEvent) => handler(event);
      handlers.add(own);
      return () => {
        handlers.delete(own);
      };
    },
  };
}
