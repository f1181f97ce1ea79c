import { describe, expect, it } from 'vitest';
import { hasOffsetsMultipleOf, zonedDayStartMs } from './time-zones.js';

const HOUR_MS = 3_600_000;
const year = (y: number) => [Date.UTC(y, 0, 1), Date.UTC(y + 1, 0, 1)] as const;

describe('time zones', () => {
  it('finds whole-hour offsets changing on whole hours in zones with daylight saving time', () => {
    expect(hasOffsetsMultipleOf('Europe/Berlin', ...year(2026), HOUR_MS)).toBe(true);
    expect(hasOffsetsMultipleOf('America/New_York', ...year(2026), HOUR_MS)).toBe(true);
    expect(hasOffsetsMultipleOf('UTC', ...year(2026), 24 * HOUR_MS)).toBe(true);
    expect(hasOffsetsMultipleOf('Europe/Berlin', ...year(2026), 24 * HOUR_MS)).toBe(false);
  });

  it('refuses part-hour offsets, and offset changes off the unit (Gaza changed at 00:01 local in 2011)', () => {
    expect(hasOffsetsMultipleOf('Asia/Kolkata', ...year(2026), HOUR_MS)).toBe(false);
    expect(hasOffsetsMultipleOf('Asia/Kolkata', ...year(2026), HOUR_MS / 2)).toBe(true);
    expect(hasOffsetsMultipleOf('Australia/Lord_Howe', ...year(2026), HOUR_MS)).toBe(false);
    expect(hasOffsetsMultipleOf('Asia/Gaza', ...year(2011), HOUR_MS / 4)).toBe(false);
  });

  it('starts local days at local midnight across daylight saving changes', () => {
    expect(zonedDayStartMs('2026-03-29', 'Europe/Berlin')).toBe(Date.UTC(2026, 2, 28, 23));
    expect(zonedDayStartMs('2026-03-30', 'Europe/Berlin')).toBe(Date.UTC(2026, 2, 29, 22));
    expect(zonedDayStartMs('2026-11-02', 'America/New_York')).toBe(Date.UTC(2026, 10, 2, 5));
    expect(zonedDayStartMs('2026-11-10', 'Asia/Kolkata')).toBe(Date.UTC(2026, 10, 9, 18, 30));
  });
});
