import {
  ListFoundationModelsCommand,
  type ListFoundationModelsCommandOutput,
} from '@aws-sdk/client-bedrock';
import { classifyCheckError } from '../bedrock/classify-error.ts';
import { runPool } from '../bedrock/run-pool.ts';
import type { CheckTarget, FailureKind } from '../grants/types.ts';
import type { ModelLifecycle } from './model-lifecycle.ts';
import { parseCatalogAnswer } from './parse-catalog.ts';

/** What one region's ListFoundationModels said, or why it said nothing usable. */
export type RegionCatalog =
  | {
      region: string;
      ok: true;
      /** Every model id the region lists, in Bedrock's order: the vocabulary for "did you mean". */
      listedIds: string[];
      /** The lifecycle of each watched model the region lists; a watched id missing here is not listed. */
      lifecycles: Map<string, ModelLifecycle>;
      durationMs: number;
    }
  | {
      /** Lifecycle is UNKNOWN in this region for this run; grant states are not touched. */
      region: string;
      ok: false;
      kind: FailureKind;
      /** The SDK error name where there was one. */
      errorName: string | null;
      message: string;
      durationMs: number;
    };

/** Where the catalog comes from: Bedrock in the Lambda and the CLI, anything in a test. */
export interface CatalogSource {
  /**
   * One ListFoundationModels per region of `targets`, regions in parallel. Resolves with one
   * entry per region, in the order the regions first appear in `targets`; rejects only for a
   * programming error (an error that is not from AWS, the SDK or the network), never for a
   * failed listing.
   * `deadline`: epoch milliseconds, a whole number, by which every listing must have ended.
   */
  list(targets: readonly CheckTarget[], deadline: number): Promise<RegionCatalog[]>;
}

/** The one call the catalog source makes; a BedrockClient is one. */
export interface ListingClient {
  send(
    command: ListFoundationModelsCommand,
    options: { abortSignal: AbortSignal },
  ): Promise<ListFoundationModelsCommandOutput>;
}

export interface BedrockCatalogOptions {
  clientForRegion: (region: string) => ListingClient;
  /** Listings in flight at once. */
  concurrency: number;
}

/** Lists the foundation models of every watched region with ListFoundationModels. */
export function createBedrockCatalogSource(options: BedrockCatalogOptions): CatalogSource {
  if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
    throw new RangeError(`concurrency must be a whole number >= 1, got ${options.concurrency}`);
  }
  return {
    async list(targets, deadline) {
      if (!Number.isInteger(deadline)) {
        throw new RangeError(`deadline must be whole epoch milliseconds, got ${deadline}`);
      }
      const watched = new Map<string, Set<string>>();
      for (const { region, modelId } of targets) {
        const ids = watched.get(region) ?? new Set<string>();
        ids.add(modelId);
        watched.set(region, ids);
      }
      const regions = [...watched.keys()];
      const catalogs: RegionCatalog[] = new Array(regions.length);
      await runPool([...regions.keys()], options.concurrency, async (index) => {
        const region = regions[index] as string;
        const client = options.clientForRegion(region);
        catalogs[index] = await listRegion(
          client,
          region,
          watched.get(region) ?? new Set(),
          deadline,
        );
      });
      return catalogs;
    },
  };
}

async function listRegion(
  client: ListingClient,
  region: string,
  watchedIds: ReadonlySet<string>,
  deadline: number,
): Promise<RegionCatalog> {
  const startedAt = performance.now();
  const elapsed = () => Math.round(performance.now() - startedAt);
  const failure = (kind: FailureKind, errorName: string | null, message: string) =>
    ({ region, ok: false, kind, errorName, message, durationMs: elapsed() }) as const;

  const remaining = deadline - Date.now();
  if (remaining <= 0) {
    return failure('timeout', null, 'not listed: the run reached its deadline first');
  }
  let answer: ListFoundationModelsCommandOutput;
  try {
    answer = await client.send(new ListFoundationModelsCommand({}), {
      abortSignal: AbortSignal.timeout(remaining),
    });
  } catch (error) {
    const classified = classifyCheckError(error);
    // Not from AWS, the SDK or the network: a bug of ours, never a failed listing.
    if (classified.type === 'defect') throw error;
    if (Date.now() >= deadline) {
      return failure('timeout', null, 'no answer before the run deadline');
    }
    // A 404 is an answer for one model's availability; for the whole listing it is a refusal.
    if (classified.type === 'not-found') return failure('rejected', null, classified.message);
    return failure(classified.kind, classified.errorName, classified.message);
  }
  const parsed = parseCatalogAnswer(answer);
  if (!parsed.ok) return failure('malformed', null, parsed.problem);
  const lifecycles = new Map([...parsed.lifecycles].filter(([modelId]) => watchedIds.has(modelId)));
  return { region, ok: true, listedIds: parsed.listedIds, lifecycles, durationMs: elapsed() };
}
