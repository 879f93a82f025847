/** A link of a markdown file, as written: `[text](target)`. */
export interface MarkdownLink {
  line: number;
  target: string;
}

/** The text of `markdown` outside fenced code blocks and inline code, line by line. */
function proseLines(markdown: string): { line: number; text: string }[] {
  const lines: { line: number; text: string }[] = [];
  let fenced = false;
  markdown.split('\n').forEach((text, index) => {
    if (text.trimStart().startsWith('```')) {
      fenced = !fenced;
      return;
    }
    if (!fenced) lines.push({ line: index + 1, text: text.replace(/`[^`]*`/g, '') });
  });
  return lines;
}

/** Every inline link of `markdown`, outside code. */
export function markdownLinks(markdown: string): MarkdownLink[] {
  return proseLines(markdown).flatMap(({ line, text }) =>
    [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => ({ line, target: match[1] ?? '' })),
  );
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
export function headingSlug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors of the headings of `markdown`; a repeated heading gets `-1`, `-2`, ... as on GitHub. */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const { text } of proseLinesKeepingCode(markdown)) {
    const heading = /^#{1,6} (.+)$/.exec(text)?.[1];
    if (heading === undefined) continue;
    const slug = headingSlug(heading);
    const count = seen.get(slug) ?? 0;
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
    seen.set(slug, count + 1);
  }
  return anchors;
}

/** Lines outside fenced blocks, inline code kept (a heading's code is part of its anchor). */
function proseLinesKeepingCode(markdown: string): { text: string }[] {
  let fenced = false;
  return markdown.split('\n').flatMap((text) => {
    if (text.trimStart().startsWith('```')) {
      fenced = !fenced;
      return [];
    }
    return fenced ? [] : [{ text }];
  });
}
