import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { fillReadmeExamples, readmeExamples } from '../../src/notify/readme-examples.ts';

describe('the README examples', () => {
  it('show exactly what the code sends (run `npm run readme:examples` after changing the rendering)', async () => {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');

    for (const name of Object.keys(readmeExamples()))
      expect(readme).toContain(`<!-- example:${name} -->`);
    expect(fillReadmeExamples(readme)).toBe(readme);
  });
});
