import { describe, expect, it } from 'vitest';
import { workerMemorySizeMb } from '../../bench/worker-memory.ts';

describe('workerMemorySizeMb', () => {
  it("is the provider's memorySize: organization mode gives checkAccount none of its own", async () => {
    expect(await workerMemorySizeMb(256)).toBe(256);
    expect(await workerMemorySizeMb(1024)).toBe(1024);
  });
});
