/**
 * One worker container as deployed: the real handlers/check-account.ts bundled like the deployed
 * one, imported once by plain node in a process of its own (bench/handler-child.ts), and handed
 * the planner's work messages as the SQS events Lambda delivers, one batch after the other, as a
 * warm container serving many accounts is (its per-account client caches grow), with the heap
 * limits Lambda gives node for the worker's memorySize. Its peak RSS is
 * what a worker's memorySize has to hold; the bench process's (simulator, dynalite, endpoints,
 * in-process workers) is not.
 */

import {
  HUB_ACCOUNT,
  OrganizationTestBed,
  sqsRecord,
} from '../test/support/organization-test-bed.ts';
import { sqsEvent } from '../test/support/sqs-event.ts';
import { runChild } from './bundle.ts';
import type { HandlerJob, HandlerResult } from './child-protocol.ts';
import { sdkEnvironment } from './fixtures.ts';
import { LAMBDA_ENVIRONMENT, POWERTOOLS_ENVIRONMENT } from './handler-runs.ts';
import {
  batchesOf,
  memberIds,
  organizationConfigYaml,
  organizationScenarioYaml,
  WORKER_BATCH_SIZE,
  WORKER_TIMEOUT_SECONDS,
} from './organization-run.ts';
import { median, round } from './stats.ts';

export const WORKER_FUNCTION_NAME = 'bedrock-access-monitor-prod-checkAccount';
const WORKER_ARN = `arn:aws:lambda:us-east-1:${HUB_ACCOUNT}:function:${WORKER_FUNCTION_NAME}`;

export interface WorkerContainerSetup {
  /** The deployed worker bundle (handlers/check-account.ts) and the child that runs it. */
  handlerBundle: string;
  childBundle: string;
  /** The worker's memorySize, in MB, as Lambda sets AWS_LAMBDA_FUNCTION_MEMORY_SIZE. */
  memoryMb: number;
}

export interface WorkerContainerMeasured {
  models: number;
  regions: number;
  pairsPerAccount: number;
  batches: number;
  /** Accounts the container checked: one "Run summary" each. */
  accountsServed: number;
  checks: number;
  unknown: number;
  failedMessages: number;
  importMs: number;
  medianInvocationMs: number;
  /** process.resourceUsage().maxRSS of the container's process, after the last batch. */
  peakRssMib: number;
}

/**
 * The V8 heap limits Lambda's Node.js runtime starts node with, from the function's memory (its
 * bootstrap: a tenth for the new space, half of that a semi-space, the rest the old space).
 * Without them V8 sizes its heap for the machine and collects late: the same 5 accounts at
 * 60 x 12 peaked at 336 MiB uncapped and 152 MiB capped for 256 MB (2026-12-02).
 */
export function lambdaHeapArgs(memoryMb: number): string[] {
  const newSpace = Math.floor(memoryMb / 10);
  return [
    `--max-semi-space-size=${Math.floor(newSpace / 2)}`,
    `--max-old-space-size=${memoryMb - newSpace}`,
  ];
}

/**
 * Plans a period on `bed` (at the wall clock's time: the bundled worker has no clock of ours
 * and skips stale messages) and hands the first `batches` batches of its messages to one
 * container, in order.
 */
export async function runWorkerContainer(
  bed: OrganizationTestBed,
  options: WorkerContainerSetup & { batches: number; models: number; regions: number },
): Promise<WorkerContainerMeasured> {
  bed.clock = Date.now();
  const messages = await bed.plan();
  const wanted = options.batches * WORKER_BATCH_SIZE;
  if (messages.length < wanted) {
    throw new Error(
      `the worker container needs ${wanted} work messages; the planner queued ${messages.length}`,
    );
  }
  const events = batchesOf(messages.slice(0, wanted), WORKER_BATCH_SIZE).map((batch) =>
    sqsEvent(batch.map((message) => sqsRecord(message))),
  );
  // The worker's deployed environment (no WORK_QUEUE_URL: that is the planner's).
  const { WORK_QUEUE_URL: _planner, ...workerEnvironment } = bed.environment;
  const result = await runChild<HandlerJob, HandlerResult>(
    options.childBundle,
    {
      bundle: options.handlerBundle,
      functionArn: WORKER_ARN,
      remainingMs: WORKER_TIMEOUT_SECONDS * 1000,
      events,
    },
    {
      ...sdkEnvironment({}),
      ...workerEnvironment,
      ...POWERTOOLS_ENVIRONMENT,
      ...LAMBDA_ENVIRONMENT,
      AWS_LAMBDA_FUNCTION_NAME: WORKER_FUNCTION_NAME,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(options.memoryMb),
    },
    lambdaHeapArgs(options.memoryMb),
  );
  const sum = (of: (invocation: HandlerResult['invocations'][number]) => number) =>
    result.invocations.reduce((total, invocation) => total + of(invocation), 0);
  return {
    models: options.models,
    regions: options.regions,
    pairsPerAccount: options.models * options.regions,
    batches: result.invocations.length,
    accountsServed: sum((invocation) => invocation.runs),
    checks: sum((invocation) => invocation.checks),
    unknown: sum((invocation) => invocation.unknown),
    failedMessages: sum((invocation) => invocation.failedMessages),
    importMs: round(result.importMs),
    medianInvocationMs: round(median(result.invocations.map((invocation) => invocation.wallMs))),
    peakRssMib: round(result.maxRssKib / 1024, 1),
  };
}

/**
 * An organization of its own at the worker's largest size (each account `models` x `regions`),
 * just big enough for `batches` batches, and one container serving them.
 */
export async function measureWorkerContainerAtScale(
  options: WorkerContainerSetup & {
    batches: number;
    models: readonly string[];
    regions: readonly string[];
    latencyMs: number;
    ratePerSecond: number;
    burst: number;
  },
): Promise<WorkerContainerMeasured> {
  const bed = await OrganizationTestBed.start(
    organizationScenarioYaml({
      memberIds: memberIds(options.batches * WORKER_BATCH_SIZE - 1),
      ...options,
    }),
    organizationConfigYaml(options.models, options.regions),
  );
  try {
    return await runWorkerContainer(bed, {
      ...options,
      models: options.models.length,
      regions: options.regions.length,
    });
  } finally {
    await bed.close();
  }
}
