/**
 * Watched ids that no watched region lists: most often a typo, which GetFoundationModelAvailability
 * answers with a 404, read as NOT_OFFERED forever. Pure: it reads this run's listings.
 */
import { closestMatches } from '../text/did-you-mean.ts';

/** What findUnknownModels reads of a region's listing; a RegionCatalog has it. */
export type ListingOutcome = { ok: true; listedIds: readonly string[] } | { ok: false };

export interface UnknownModel {
  modelId: string;
  /** The listed ids closest to it, nearest first (at most three); empty when none is close. */
  suggestions: string[];
}

export interface UnknownModels {
  /** Listed by no watched region, every one of which answered. */
  unknown: UnknownModel[];
  /** Listed by none of the regions that answered, but some did not: cannot tell this run. */
  undetermined: string[];
}

/** Sorts the watched ids no region lists into unknown (with suggestions) and undetermined. */
export function findUnknownModels(
  watchedIds: readonly string[],
  listings: readonly ListingOutcome[],
): UnknownModels {
  const listed = new Set<string>();
  let complete = true;
  for (const listing of listings) {
    if (listing.ok) for (const id of listing.listedIds) listed.add(id);
    else complete = false;
  }
  const missing = [...new Set(watchedIds)].filter((id) => !listed.has(id));
  if (!complete) return { unknown: [], undetermined: missing };
  return {
    unknown: missing.map((modelId) => ({ modelId, suggestions: closestMatches(modelId, listed) })),
    undetermined: [],
  };
}
