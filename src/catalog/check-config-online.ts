/**
 * What `validate --online` finds in a valid config against the live catalog of each watched
 * region: ids Bedrock lists nowhere (typos), ids not offered in a region they are watched in,
 * and LEGACY models. Pure: it reads the config and this run's listings; each finding names
 * the config path it is about, so the CLI can give its line and column.
 */
import type { WatchedConfig } from '../config/watched-config.ts';
import type { ModelLifecycle } from './model-lifecycle.ts';
import { findUnknownModels, type ListingOutcome } from './unknown-models.ts';

/** What checkConfigOnline reads of one region's listing; a RegionCatalog has it. */
export type RegionListing =
  | {
      region: string;
      ok: true;
      listedIds: readonly string[];
      lifecycles: ReadonlyMap<string, ModelLifecycle>;
    }
  | { region: string; ok: false; errorName: string | null; message: string };

export type OnlineFinding =
  | {
      severity: 'error';
      path: (string | number)[];
      kind: 'unknown-model';
      modelId: string;
      regions: string[];
      suggestions: string[];
    }
  | {
      severity: 'error';
      path: (string | number)[];
      kind: 'not-offered';
      modelId: string;
      region: string;
      listedIn: string[];
    }
  | {
      severity: 'warning';
      path: (string | number)[];
      kind: 'legacy';
      modelId: string;
      regions: string[];
      lifecycle: ModelLifecycle;
    };

export interface OnlineCheck {
  findings: OnlineFinding[];
  /** Regions whose listing failed: nothing about them could be checked. */
  unchecked: { region: string; errorName: string | null; message: string }[];
}

/** Compares each watched (model, region) with the listing of that region. */
export function checkConfigOnline(
  config: WatchedConfig,
  listings: readonly RegionListing[],
): OnlineCheck {
  const byRegion = new Map(listings.map((listing) => [listing.region, listing]));
  const listed = (region: string, modelId: string) => {
    const listing = byRegion.get(region);
    return listing?.ok === true && listing.listedIds.includes(modelId);
  };
  const outcomes: ListingOutcome[] = listings.map((listing) =>
    listing.ok ? { ok: true, listedIds: listing.listedIds } : { ok: false },
  );
  const unknown = new Map(
    findUnknownModels(
      config.models.map((model) => model.id),
      outcomes,
    ).unknown.map((found) => [found.modelId, found.suggestions]),
  );
  const allRegions = listings.map((listing) => listing.region);

  const findings: OnlineFinding[] = [];
  config.models.forEach((model, index) => {
    const idPath = ['models', index, 'id'];
    const suggestions = unknown.get(model.id);
    if (suggestions !== undefined) {
      findings.push({
        severity: 'error',
        path: idPath,
        kind: 'unknown-model',
        modelId: model.id,
        regions: allRegions,
        suggestions,
      });
      return;
    }
    const regions = model.regions ?? config.regions;
    const listedIn = allRegions.filter((region) => listed(region, model.id));
    regions.forEach((region, regionIndex) => {
      const listing = byRegion.get(region);
      if (listing?.ok !== true || listing.listedIds.includes(model.id)) return;
      findings.push({
        severity: 'error',
        // A region of the model's own list is a line of its own; a default region is the model's.
        path: model.regions === undefined ? idPath : ['models', index, 'regions', regionIndex],
        kind: 'not-offered',
        modelId: model.id,
        region,
        listedIn,
      });
    });
    const legacy = regions.flatMap((region) => {
      const listing = byRegion.get(region);
      const lifecycle = listing?.ok === true ? listing.lifecycles.get(model.id) : undefined;
      return lifecycle?.status === 'LEGACY' ? [{ region, lifecycle }] : [];
    });
    const first = legacy[0];
    if (first !== undefined) {
      findings.push({
        severity: 'warning',
        path: idPath,
        kind: 'legacy',
        modelId: model.id,
        regions: legacy.map(({ region }) => region),
        lifecycle: first.lifecycle,
      });
    }
  });
  const unchecked = listings.flatMap((listing) =>
    listing.ok
      ? []
      : [{ region: listing.region, errorName: listing.errorName, message: listing.message }],
  );
  return { findings, unchecked };
}

/** One finding as a person reads it, after `file:line:column: `. */
export function describeFinding(finding: OnlineFinding): string {
  switch (finding.kind) {
    case 'unknown-model': {
      const hint =
        finding.suggestions.length === 0
          ? 'check the id with `aws bedrock list-foundation-models`.'
          : `did you mean ${orList(finding.suggestions.map((id) => `"${id}"`))}?`;
      return `"${finding.modelId}" is not listed by Bedrock in any watched region (${finding.regions.join(', ')}); it would read NOT_OFFERED forever. ${hint[0]?.toUpperCase()}${hint.slice(1)}`;
    }
    case 'not-offered': {
      const where =
        finding.listedIn.length === 0
          ? ''
          : ` (Bedrock lists it in ${finding.listedIn.join(', ')})`;
      return `${finding.modelId} is not offered in ${finding.region}${where}; it would read NOT_OFFERED there. Remove the region, or keep it to hear when the model arrives.`;
    }
    case 'legacy': {
      const { legacyTime, publicExtendedAccessTime, endOfLifeTime } = finding.lifecycle;
      const dates = [
        legacyTime && `legacy since ${day(legacyTime)}`,
        publicExtendedAccessTime && `higher prices from ${day(publicExtendedAccessTime)}`,
        endOfLifeTime && `end of life ${day(endOfLifeTime)}`,
      ].filter(Boolean);
      const when = dates.length === 0 ? '' : ` (${dates.join(', ')})`;
      return `${finding.modelId} is LEGACY in ${finding.regions.join(', ')}${when}: Bedrock refuses accounts that have not used it recently, and it will be retired. Plan the move to its successor (see the Bedrock model lifecycle page).`;
    }
  }
}

function day(iso: string): string {
  return iso.slice(0, 10);
}

function orList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}
