/**
 * Counts what the simulator answered, per region and operation, so tests and benchmarks can
 * assert on load and on faults actually delivered. For every counter set:
 * requests = successes + malformed + sum(errors); `throttled` repeats errors.ThrottlingException.
 */
import type { FaultOperation } from './wire-vocabulary.ts';

/** What stats count under: the operation, or UnknownOperation for requests that name none. */
export type OperationName = FaultOperation | 'GetCallerIdentity' | 'UnknownOperation';

export interface AnswerCounts {
  requests: number;
  /** 200 answers with a well-formed body. */
  successes: number;
  /** 200 answers whose body a malformed fault garbled. */
  malformed: number;
  throttled: number;
  /** Error answers by error name (ThrottlingException, ResourceNotFoundException, ...). */
  errors: Record<string, number>;
}

export interface SimulatorStats {
  tick: number;
  seconds: number;
  total: AnswerCounts;
  /** region -> operation -> counts. Unsigned requests count under region `unsigned`. */
  regions: Record<string, Partial<Record<OperationName, AnswerCounts>>>;
}

export type AnswerOutcome =
  | { kind: 'success' }
  | { kind: 'malformed' }
  | { kind: 'error'; name: string };

// Bedrock's, STS's (Query) and Organizations' names for the same refusal.
const THROTTLING_NAMES = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException']);

function emptyCounts(): AnswerCounts {
  return { requests: 0, successes: 0, malformed: 0, throttled: 0, errors: {} };
}

function count(counts: AnswerCounts, outcome: AnswerOutcome): void {
  counts.requests += 1;
  if (outcome.kind === 'success') counts.successes += 1;
  else if (outcome.kind === 'malformed') counts.malformed += 1;
  else {
    counts.errors[outcome.name] = (counts.errors[outcome.name] ?? 0) + 1;
    if (THROTTLING_NAMES.has(outcome.name)) counts.throttled += 1;
  }
}

export class StatsRecorder {
  private total = emptyCounts();
  private regions = new Map<string, Map<OperationName, AnswerCounts>>();

  record(region: string, operation: OperationName, outcome: AnswerOutcome): void {
    let operations = this.regions.get(region);
    if (!operations) {
      operations = new Map();
      this.regions.set(region, operations);
    }
    let counts = operations.get(operation);
    if (!counts) {
      counts = emptyCounts();
      operations.set(operation, counts);
    }
    count(counts, outcome);
    count(this.total, outcome);
  }

  /** A deep copy, safe to keep while the simulator goes on counting. */
  snapshot(time: { tick: number; seconds: number }): SimulatorStats {
    const regions: SimulatorStats['regions'] = {};
    for (const [region, operations] of this.regions) {
      regions[region] = Object.fromEntries(
        [...operations].map(([operation, counts]) => [operation, structuredClone(counts)]),
      );
    }
    return { tick: time.tick, seconds: time.seconds, total: structuredClone(this.total), regions };
  }

  reset(): void {
    this.total = emptyCounts();
    this.regions.clear();
  }
}
