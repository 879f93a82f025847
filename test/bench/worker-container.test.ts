import { describe, expect, it } from 'vitest';
import { lambdaHeapArgs } from '../../bench/worker-container.ts';

describe('lambdaHeapArgs', () => {
  it("gives node the heap Lambda's Node.js bootstrap gives it: a tenth new space, the rest old", () => {
    expect(lambdaHeapArgs(256)).toEqual(['--max-semi-space-size=12', '--max-old-space-size=231']);
    expect(lambdaHeapArgs(1024)).toEqual(['--max-semi-space-size=51', '--max-old-space-size=922']);
  });
});
