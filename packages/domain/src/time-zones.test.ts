import { describe, expect, it } from 'vitest';
import { isTimeZone } from './time-zones.js';

describe('isTimeZone', () => {
  it('accepts tz database names the runtime knows', () => {
    for (const zone of ['UTC', 'Europe/Paris', 'America/Argentina/Buenos_Aires', 'Etc/GMT+5', 'Asia/Kolkata'])
      expect(isTimeZone(zone), zone).toBe(true);
  });

  it('refuses unknown zones, other cases and abbreviations', () => {
    for (const zone of ['Mars/Olympus', 'europe/paris', 'utc', 'EST', '', 'Europe/Paris ']) expect(isTimeZone(zone), zone).toBe(false);
  });
});
