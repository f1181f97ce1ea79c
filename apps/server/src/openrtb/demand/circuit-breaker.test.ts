import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './circuit-breaker.js';
import { partnerBudget } from './deadline.js';
import { TokenBucket } from './token-bucket.js';

const options = { consecutiveFailures: 3, failureRate: 0.5, minCallsInWindow: 10, windowMs: 10_000, cooldownMs: 1_000 };

describe('CircuitBreaker', () => {
  it('opens after N consecutive failures, refuses during the cool-down, then lets one probe through', () => {
    const breaker = new CircuitBreaker(options);
    for (let i = 0; i < 2; i++) breaker.record(false, 0, false);
    expect(breaker.state).toBe('closed');
    breaker.record(true, 0, false); // a success resets the run
    for (let i = 0; i < 3; i++) breaker.record(false, 10, false);
    expect(breaker.state).toBe('open');
    expect(breaker.allow(500)).toBe('refuse');
    expect(breaker.allow(1_010)).toBe('probe');
    expect(breaker.state).toBe('half-open');
    expect(breaker.allow(1_011)).toBe('refuse'); // one probe at a time
  });

  it('closes when the probe succeeds and reopens for another cool-down when it fails', () => {
    const breaker = new CircuitBreaker(options);
    for (let i = 0; i < 3; i++) breaker.record(false, 0, false);
    expect(breaker.allow(1_000)).toBe('probe');
    breaker.record(false, 1_050, true);
    expect(breaker.state).toBe('open');
    expect(breaker.allow(1_500)).toBe('refuse');
    expect(breaker.allow(2_050)).toBe('probe');
    breaker.record(true, 2_060, true);
    expect(breaker.state).toBe('closed');
    expect(breaker.allow(2_061)).toBe('call');
  });

  it('opens on the failure rate over the window without a long run of failures', () => {
    const breaker = new CircuitBreaker(options);
    for (let i = 0; i < 10; i++) breaker.record(i % 2 === 0, i * 100, false); // alternate: never 3 in a row
    expect(breaker.state).toBe('open');
  });

  it('forgets failures older than the window', () => {
    const breaker = new CircuitBreaker(options);
    for (let i = 0; i < 9; i++) breaker.record(i % 2 === 0, i, false);
    breaker.record(false, 60_000, false);
    expect(breaker.state).toBe('closed');
  });

  it('gives the probe back when it is not used', () => {
    const breaker = new CircuitBreaker(options);
    for (let i = 0; i < 3; i++) breaker.record(false, 0, false);
    expect(breaker.allow(1_000)).toBe('probe');
    breaker.cancelProbe();
    expect(breaker.allow(1_001)).toBe('probe');
  });
});

describe('TokenBucket', () => {
  it('allows a second of burst, then the rate', () => {
    const bucket = new TokenBucket(5, 0);
    const taken = Array.from({ length: 8 }, () => bucket.tryTake(0)).filter(Boolean).length;
    expect(taken).toBe(5);
    expect(bucket.tryTake(100)).toBe(false);
    expect(bucket.tryTake(200)).toBe(true); // 200 ms × 5/s = 1 token
    expect(bucket.tryTake(200)).toBe(false);
  });

  it('follows a changed limit within the new capacity', () => {
    const bucket = new TokenBucket(100, 0);
    bucket.setRate(2);
    expect([bucket.tryTake(0), bucket.tryTake(0), bucket.tryTake(0)]).toEqual([true, true, false]);
  });
});

describe('partnerBudget', () => {
  const policy = { networkBufferMs: 15, minResponseMs: 50 };

  it('tells the partner what is left less the network buffer, capped by its timeout, and waits until the deadline', () => {
    expect(partnerBudget(1_000, 1_300, 1_000, policy)).toEqual({ tmaxMs: 285, waitMs: 300 });
    expect(partnerBudget(1_000, 1_300, 120, policy)).toEqual({ tmaxMs: 120, waitMs: 120 });
  });

  it('does not call a partner with less than the minimum response time', () => {
    expect(partnerBudget(1_000, 1_060, 1_000, policy)).toBeUndefined();
    expect(partnerBudget(1_000, 900, 1_000, policy)).toBeUndefined();
  });
});
