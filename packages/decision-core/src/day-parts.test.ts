import type { Targeting } from '@adplatform/domain';
import { describe, expect, it } from 'vitest';
import { localTimeAt } from './local-time.js';
import { matchTargeting } from './match-targeting.js';

const at = (iso: string) => Date.parse(iso);
const ny = 'America/New_York';
const weekdaysNineToSix: Targeting = { dayParts: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], startHour: 8, endHour: 18 }] };
const lateFridayIntoSaturday: Targeting = {
  dayParts: [
    { days: ['fri'], startHour: 22, endHour: 24 },
    { days: ['sat'], startHour: 0, endHour: 2 },
  ],
};

const matches = (targeting: Targeting, iso: string, zone: string) =>
  matchTargeting(targeting, { placementId: 'p', nowMs: at(iso) }, zone).ok;

describe('localTimeAt', () => {
  it.each([
    ['2026-11-02T13:00:00Z', ny, 0, 8], // Monday 08:00 EST (UTC-5, after DST ended on 1 November)
    ['2026-10-26T12:00:00Z', ny, 0, 8], // Monday 08:00 EDT (UTC-4)
    ['2026-03-08T07:00:00Z', ny, 6, 3], // Sunday: 02:00 does not exist, 07:00Z is 03:00 EDT
    ['2026-11-01T05:30:00Z', ny, 6, 1], // Sunday 01:30 EDT, the first of the two 01:30s
    ['2026-11-01T06:30:00Z', ny, 6, 1], // Sunday 01:30 EST, the second one
    ['2026-11-27T23:30:00Z', 'Asia/Kolkata', 5, 5], // Saturday 05:00 IST (UTC+5:30)
    ['2026-11-27T23:30:00Z', 'UTC', 4, 23],
  ])('%s in %s is weekday %i hour %i', (iso, zone, weekday, hour) => {
    expect(localTimeAt(at(iso), zone)).toEqual({ weekday, hour });
  });

  it('refuses an unknown time zone', () => {
    expect(() => localTimeAt(0, 'Mars/Olympus_Mons')).toThrow(RangeError);
  });
});

describe('dayParts', () => {
  it.each([
    ['2026-11-02T12:59:59Z', false], // Monday 07:59:59 EST
    ['2026-11-02T13:00:00Z', true], // Monday 08:00 EST
    ['2026-11-02T22:59:59Z', true], // Monday 17:59:59 EST: endHour is exclusive
    ['2026-11-02T23:00:00Z', false], // Monday 18:00 EST
    ['2026-10-26T11:59:59Z', false], // Monday 07:59:59 EDT
    ['2026-10-26T12:00:00Z', true], // Monday 08:00 EDT: the same local hour one hour earlier in UTC
    ['2026-10-31T14:00:00Z', false], // Saturday
  ])('weekdays 8-18 New York at %s: %s', (iso, expected) => {
    expect(matches(weekdaysNineToSix, iso, ny)).toBe(expected);
  });

  it.each([
    ['2026-11-28T02:59:59Z', false], // Friday 21:59:59 EST
    ['2026-11-28T03:00:00Z', true], // Friday 22:00
    ['2026-11-28T04:59:59Z', true], // Friday 23:59:59: endHour 24 reaches midnight
    ['2026-11-28T05:00:00Z', true], // Saturday 00:00
    ['2026-11-28T06:59:59Z', true], // Saturday 01:59:59
    ['2026-11-28T07:00:00Z', false], // Saturday 02:00
  ])('Friday 22-24 and Saturday 0-2 New York at %s: %s', (iso, expected) => {
    expect(matches(lateFridayIntoSaturday, iso, ny)).toBe(expected);
  });

  it('reads the campaign time zone, not UTC', () => {
    // Monday 2026-11-02 20:00 UTC is Tuesday 05:00 in Tokyo and Monday 15:00 in New York.
    const mondayAfternoon: Targeting = { dayParts: [{ days: ['mon'], startHour: 12, endHour: 18 }] };
    expect(matches(mondayAfternoon, '2026-11-02T20:00:00Z', ny)).toBe(true);
    expect(matches(mondayAfternoon, '2026-11-02T20:00:00Z', 'Asia/Tokyo')).toBe(false);
    expect(matchTargeting(mondayAfternoon, { placementId: 'p', nowMs: at('2026-11-02T20:00:00Z') }, 'Asia/Tokyo')).toMatchObject({
      ok: false,
      dimension: 'dayParts',
      reason: 'local time tue 5h (Asia/Tokyo): wanted mon 12-18h',
    });
  });
});
