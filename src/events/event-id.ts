import { createHash } from 'node:crypto';

/**
 * A UUID-shaped id derived from what an event is about: the same inputs give the same id, so
 * overlapping runs that decide the same event name it alike and a subscriber can deduplicate
 * on it. The parts are joined with line breaks, which no part contains.
 */
export function deterministicEventId(parts: readonly (string | number | null)[]): string {
  const hex = createHash('sha256')
    .update(parts.map((part) => (part === null ? '' : String(part))).join('\n'))
    .digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
