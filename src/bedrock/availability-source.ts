import { GetFoundationModelAvailabilityCommand } from '@aws-sdk/client-bedrock';
import { CheckDefectError } from '../errors.ts';
import type { CheckFailure, CheckOutcome, CheckTarget } from '../grants/types.ts';
import type { BedrockClientForRegion } from './bedrock-clients.ts';
import { classifyCheckError } from './classify-error.ts';
import { isAwsOrNetworkError } from './network-errors.ts';
import { NOT_FOUND_RAW, parseAvailabilityAnswer } from './parse-availability.ts';
import { runPool } from './run-pool.ts';

/** Where observations come from: Bedrock in the Lambda and the CLI, anything in a test. */
export interface AvailabilitySource {
  /**
   * Checks every target by `deadline` (epoch milliseconds) and resolves with one outcome per
   * target, in the same order. Rejects only with a CheckDefectError, once every other check
   * has ended, when a check met an error that is not from AWS, the SDK or the network.
   */
  check(targets: readonly CheckTarget[], deadline: number): Promise<CheckOutcome[]>;
}

export interface BedrockAvailabilityOptions {
  clientForRegion: BedrockClientForRegion;
  /** Calls in flight per region; regions run in parallel. */
  concurrencyPerRegion: number;
}

/** Asks GetFoundationModelAvailability for every target, region by region in parallel. */
export function createBedrockAvailabilitySource(
  options: BedrockAvailabilityOptions,
): AvailabilitySource {
  return {
    async check(targets, deadline) {
      const outcomes: Array<CheckOutcome | undefined> = new Array(targets.length);
      const defects: unknown[] = [];
      const byRegion = new Map<string, number[]>();
      targets.forEach((target, index) => {
        const indexes = byRegion.get(target.region) ?? [];
        indexes.push(index);
        byRegion.set(target.region, indexes);
      });
      await Promise.all(
        [...byRegion].map(([region, indexes]) =>
          runPool(indexes, options.concurrencyPerRegion, async (index) => {
            const target = targets[index] as CheckTarget;
            try {
              outcomes[index] = await checkOne(options.clientForRegion(region), target, deadline);
            } catch (defect) {
              defects.push(defect);
            }
          }),
        ),
      );
      const completed = outcomes.filter((outcome) => outcome !== undefined);
      if (defects.length > 0) throw new CheckDefectError(defects, completed);
      return completed;
    },
  };
}

async function checkOne(
  client: ReturnType<BedrockClientForRegion>,
  target: CheckTarget,
  deadline: number,
): Promise<CheckOutcome> {
  const startedAt = performance.now();
  const elapsed = () => Math.round(performance.now() - startedAt);
  // Whole milliseconds: AbortSignal.timeout throws a RangeError for anything else.
  const remaining = Math.floor(deadline - Date.now());
  if (remaining <= 0) {
    return deadlineFailure(target, 0, 'not checked: the run reached its deadline first');
  }
  try {
    const answer = await client.send(
      new GetFoundationModelAvailabilityCommand({ modelId: target.modelId }),
      { abortSignal: AbortSignal.timeout(remaining) },
    );
    const parsed = parseAvailabilityAnswer(answer);
    if (!parsed.ok) {
      return {
        ...target,
        ok: false,
        kind: 'malformed',
        errorName: null,
        message: parsed.problem,
        durationMs: elapsed(),
      };
    }
    return { ...target, ok: true, raw: parsed.raw, notFound: null, durationMs: elapsed() };
  } catch (error) {
    if (Date.now() >= deadline && isAwsOrNetworkError(error)) {
      return deadlineFailure(target, elapsed(), 'no answer before the run deadline');
    }
    const classified = classifyCheckError(error);
    if (classified.type === 'defect') throw error;
    if (classified.type === 'not-found') {
      return {
        ...target,
        ok: true,
        raw: NOT_FOUND_RAW,
        notFound: classified.message,
        durationMs: elapsed(),
      };
    }
    return { ...target, ok: false, ...classified, durationMs: elapsed() };
  }
}

function deadlineFailure(target: CheckTarget, durationMs: number, message: string): CheckFailure {
  return { ...target, ok: false, kind: 'timeout', errorName: null, message, durationMs };
}
