import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batchesOf } from '../../bench/organization-run.ts';

describe('batchesOf', () => {
  it('cuts the messages into consecutive SQS batches, only the last one shorter', () => {
    expect(batchesOf([1, 2, 3, 4, 5, 6, 7], 5)).toEqual([
      [1, 2, 3, 4, 5],
      [6, 7],
    ]);
    fc.assert(
      fc.property(fc.array(fc.integer()), fc.integer({ min: 1, max: 12 }), (items, size) => {
        const batches = batchesOf(items, size);
        expect(batches.flat()).toEqual(items);
        expect(batches.slice(0, -1).every((batch) => batch.length === size)).toBe(true);
        expect(batches.every((batch) => batch.length >= 1 && batch.length <= size)).toBe(true);
      }),
    );
  });

  it('refuses a batch size below one', () => {
    expect(() => batchesOf([1], 0)).toThrow('a batch size must be >= 1, got 0');
  });
});
