import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  EXAMPLE_DOCS,
  fillReadmeExamples,
  readmeExamples,
} from '../../src/notify/readme-examples.ts';

const readDoc = (doc: string) => readFile(new URL(`../../${doc}`, import.meta.url), 'utf8');

describe('the alert examples of the docs', () => {
  it('are all in the alerts page', async () => {
    const alerts = await readDoc('docs/alerts.md');

    for (const name of Object.keys(readmeExamples()))
      expect(alerts).toContain(`<!-- example:${name} -->`);
  });

  it.each(EXAMPLE_DOCS)(
    'show in %s exactly what the code sends (run `npm run readme:examples` after changing the rendering)',
    async (doc) => {
      const text = await readDoc(doc);

      expect(text).toContain('<!-- example:');
      expect(fillReadmeExamples(text)).toBe(text);
    },
  );
});
