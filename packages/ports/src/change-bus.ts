import type { ChangeEvent } from '@adplatform/domain';

/**
 * Change events of metadata, published after the change commits. In process
 * now; NATS implements the same interface with the scale-out work.
 * Delivery is at least once and in publish order per subscriber; a handler
 * that throws does not affect other handlers or the publisher.
 */
export interface ChangeBus {
  publish(event: ChangeEvent): void;
  /** Returns the function that unsubscribes. */
  subscribe(handler: (event: ChangeEvent) => void): () => void;
}
