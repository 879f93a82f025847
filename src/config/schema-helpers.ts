/** Pieces every part of the config schema uses: how a value reads, and refusing repeats. */
import type * as z from 'zod';

/** How a value reads in a message: strings quoted, collections by kind. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return typeof value === 'string' ? `"${value}"` : String(value);
}

/**
 * Refuses repeated entries (compared whole, or by `field`). Runs even when some entries are
 * invalid, so a file with both kinds of mistake reports both at once. `params.firstAt` is the
 * first occurrence's path, relative like the issue's own, so load-config.ts can name its line.
 */
export function refineUnique(field: string | undefined, message: (key: string) => string) {
  const keyOf = (entry: unknown): unknown =>
    field === undefined
      ? entry
      : typeof entry === 'object' && entry
        ? Reflect.get(entry, field)
        : undefined;
  const inner = field === undefined ? [] : [field];
  return [
    (list: unknown, ctx: z.core.$RefinementCtx) => {
      if (!Array.isArray(list)) return;
      const firstIndex = new Map<string, number>();
      list.forEach((entry, index) => {
        const value = keyOf(entry);
        if (typeof value !== 'string' && typeof value !== 'number') return;
        const key = String(value);
        const first = firstIndex.get(key);
        if (first === undefined) {
          firstIndex.set(key, index);
          return;
        }
        ctx.addIssue({
          code: 'custom',
          message: message(key),
          path: [index, ...inner],
          params: { firstAt: [first, ...inner] },
        });
      });
    },
    { when: () => true },
  ] as const;
}
