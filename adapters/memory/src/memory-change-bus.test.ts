import type { ChangeEvent } from '@adplatform/domain';
import { describe, expect, it } from 'vitest';
import { createMemoryChangeBus } from './memory-change-bus.js';

const event = (id: string, version = 1): ChangeEvent => ({
  kind: 'campaign',
  id,
  organizationId: 'org',
  version,
  op: 'updated',
  at: new Date(0),
});

describe('memory change bus', () => {
  it('delivers every event to every subscriber in publish order', () => {
    const bus = createMemoryChangeBus();
    const a: string[] = [];
    const b: string[] = [];
    bus.subscribe((e) => a.push(`${e.id}@${e.version}`));
    bus.subscribe((e) => b.push(e.id));
    bus.publish(event('x', 1));
    bus.publish(event('x', 2));
    bus.publish(event('y'));
    expect(a).toEqual(['x@1', 'x@2', 'y@1']);
    expect(b).toEqual(['x', 'x', 'y']);
  });

  it('stops delivering after unsubscribe', () => {
    const bus = createMemoryChangeBus();
    const seen: string[] = [];
    const unsubscribe = bus.subscribe((e) => seen.push(e.id));
    bus.publish(event('before'));
    unsubscribe();
    bus.publish(event('after'));
    expect(seen).toEqual(['before']);
  });

  it('isolates a failing handler from the others and from the publisher', () => {
    const errors: unknown[] = [];
    const bus = createMemoryChangeBus({ onError: (error) => errors.push(error) });
    const seen: string[] = [];
    bus.subscribe(() => {
      throw new Error('boom');
    });
    bus.subscribe((e) => seen.push(e.id));
    expect(() => bus.publish(event('x'))).not.toThrow();
    expect(seen).toEqual(['x']);
    expect(errors).toHaveLength(1);
  });
});
