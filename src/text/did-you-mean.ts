/**
 * "Did you mean": the known words closest to a mistyped one, by edit distance (insertions,
 * deletions and substitutions of one character each). Used for config keys, kinds and
 * regions, and for watched model ids that Bedrock does not list.
 */

/** Levenshtein distance between `a` and `b`. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The single candidate within `maxDistance` edits of `input` (ignoring case), if exactly one is. */
export function closestMatch(
  input: string,
  candidates: readonly string[],
  maxDistance = 2,
): string | undefined {
  const lower = input.toLowerCase();
  const scored = candidates.map((candidate) => ({
    candidate,
    distance: editDistance(lower, candidate),
  }));
  const best = Math.min(...scored.map((s) => s.distance));
  const closest = scored.filter((s) => s.distance === best);
  return best <= maxDistance && closest.length === 1 ? closest[0]?.candidate : undefined;
}

/**
 * Up to `limit` candidates closest to `input` (ignoring case), nearest first, ties in
 * alphabetical order; only those within a quarter of the input's length in edits (at least
 * two), so an id that resembles nothing gets no suggestion rather than a random one.
 */
export function closestMatches(input: string, candidates: Iterable<string>, limit = 3): string[] {
  const lower = input.toLowerCase();
  const maxDistance = Math.max(2, Math.floor(lower.length / 4));
  return [...new Set(candidates)]
    .filter((candidate) => candidate !== input)
    .map((candidate) => ({ candidate, distance: editDistance(lower, candidate.toLowerCase()) }))
    .filter(({ distance }) => distance <= maxDistance)
    .sort((x, y) => x.distance - y.distance || (x.candidate < y.candidate ? -1 : 1))
    .slice(0, limit)
    .map(({ candidate }) => candidate);
}
