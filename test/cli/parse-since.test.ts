import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSince } from '../../src/cli/parse-since.ts';

/** The calendar, plainly: 30 days hath September, and February has 29 in a leap year. */
function daysIn(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

describe('parseSince', () => {
  it('accepts a day exactly when the calendar has it, and never rolls it over', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1970, max: 2400 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        (year, month, day) => {
          const text = `${year}-${pad(month)}-${pad(day)}`;
          const valid = month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month);

          const parse = () => parseSince(text);

          if (valid) expect(parse()).toBe(`${text}T00:00:00.000Z`);
          else expect(parse).toThrow(`not "${text}"`);
        },
      ),
    );
  });

  it('accepts a time of day up to 23:59:59, with Z or an offset, as the instant it names', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
        (date) => {
          const text = date.toISOString().replace(/\.\d{3}Z$/, 'Z');

          expect(parseSince(text)).toBe(date.toISOString().replace(/\.\d{3}Z$/, '.000Z'));
          expect(parseSince(text.replace('Z', '+02:00'))).toBe(
            new Date(Date.parse(text) - 2 * 3_600_000).toISOString(),
          );
        },
      ),
    );
    expect(() => parseSince('2026-11-01T24:00:00Z')).toThrow('the time is past 23:59:59');
    expect(() => parseSince('last week')).toThrow(
      '--since must be a date like 2026-11-01 or 2026-11-01T12:00:00Z, not "last week".',
    );
  });
});
