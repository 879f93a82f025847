import { describe, expect, it } from 'vitest';
import { loadOnFirstUse } from '../../src/lambda/load-on-first-use.ts';

describe('loadOnFirstUse', () => {
  it('loads once, on the first call, and shares the value with concurrent and later calls', async () => {
    let loads = 0;
    const value = loadOnFirstUse(async () => {
      loads += 1;
      return { loads };
    });
    expect(loads).toBe(0);
    const [first, second] = await Promise.all([value(), value()]);
    const third = await value();
    expect(loads).toBe(1);
    expect(second).toBe(first);
    expect(third).toBe(first);
  });

  it('forgets a failed load, so the next call tries again', async () => {
    let attempts = 0;
    const value = loadOnFirstUse(async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('chunk not found');
      return 'loaded';
    });
    await expect(value()).rejects.toThrow('chunk not found');
    await expect(value()).resolves.toBe('loaded');
    await expect(value()).resolves.toBe('loaded');
    expect(attempts).toBe(2);
  });
});
