import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { headingAnchors, headingSlug, markdownLinks } from './markdown-links.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DOCS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

/** What is wrong with a relative link of `doc`, or undefined when it resolves. */
function brokenLink(doc: string, target: string): string | undefined {
  const [pathPart = '', anchor] = target.split('#');
  const file = pathPart === '' ? join(ROOT, doc) : join(ROOT, dirname(doc), pathPart);
  if (!existsSync(file)) return `${relative(ROOT, file)} does not exist`;
  if (anchor === undefined || statSync(file).isDirectory() || !file.endsWith('.md')) return;
  if (!headingAnchors(readFileSync(file, 'utf8')).has(anchor))
    return `${relative(ROOT, file)} has no heading with the anchor #${anchor}`;
  return undefined;
}

describe('the links of the README and docs/', () => {
  it('find docs to check', () => {
    expect(DOCS).toContain('docs/deploy-and-operate.md');
  });

  it.each(DOCS)('of %s lead to a file (and heading) that exists', (doc) => {
    const links = markdownLinks(readFileSync(join(ROOT, doc), 'utf8')).filter(
      (link) => !/^[a-z]+:/.test(link.target),
    );

    const broken = links.flatMap(({ line, target }) => {
      const problem = brokenLink(doc, target);
      return problem === undefined ? [] : [`${doc}:${line}: (${target}) ${problem}`];
    });

    expect(broken).toEqual([]);
  });

  it('are checked the way GitHub names headings', () => {
    expect(headingSlug('`check --json`')).toBe('check---json');
    expect(headingSlug('Alerts: email, Slack, Teams')).toBe('alerts-email-slack-teams');
    expect([...headingAnchors('# A\n\n```sh\n# not a heading\n```\n## A\n')]).toEqual(['a', 'a-1']);
    expect(markdownLinks('[x](a.md#b) `[y](c.md)`\n```\n[z](d.md)\n```')).toEqual([
      { line: 1, target: 'a.md#b' },
    ]);
  });
});
