/**
 * Organization mode, real, here: the planner (the scheduled handler with WORK_QUEUE_URL) lists
 * an organization of member accounts in the simulator and queues one work message per account
 * on the local SQS endpoint; the worker (created as handlers/check-account.ts creates it) is
 * handed those messages as the SQS events Lambda would deliver, `batchSize` to an invocation,
 * `concurrency` invocations at a time, each "container" a worker of its own. The simulator
 * throttles each account in each region on its own token bucket. Two periods: the first writes
 * the state, the second changes nothing.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { SQSRecord } from 'aws-lambda';
import { readHandlerEnvironment } from '../src/config/handler-environment.ts';
import { createWorkerHandler, type WorkerHandler } from '../src/lambda/create-worker-handler.ts';
import { powertoolsSinks } from '../src/lambda/powertools-sinks.ts';
import { BEDROCK_OPERATIONS } from '../src/simulator/wire-vocabulary.ts';
import {
  HUB_ACCOUNT,
  OrganizationTestBed,
  sqsRecord,
} from '../test/support/organization-test-bed.ts';
import { PROJECT_ROOT, watchedConfigYaml } from './fixtures.ts';
import { LAMBDA_ENVIRONMENT, POWERTOOLS_ENVIRONMENT } from './handler-runs.ts';
import { median, round } from './stats.ts';
import { captureStdout } from './stdout-capture.ts';
import { WRITE_OPERATIONS } from './steady-state.ts';
import type { WorkerContainerMeasured } from './worker-container.ts';

const ORGANIZATION_MODE = createRequire(import.meta.url)(
  join(PROJECT_ROOT, 'serverless/organization-mode.cjs'),
) as { WORKER_BATCH_SIZE: number; WORKER_TIMEOUT_SECONDS: number };
/** The worker's SQS batch size and timeout, as serverless/organization-mode.cjs deploys them. */
export const WORKER_BATCH_SIZE = ORGANIZATION_MODE.WORKER_BATCH_SIZE;
export const WORKER_TIMEOUT_SECONDS = ORGANIZATION_MODE.WORKER_TIMEOUT_SECONDS;

export interface OrganizationRunOptions {
  /** Member accounts besides the hub (the organization's management account, checked too). */
  members: number;
  models: readonly string[];
  regions: readonly string[];
  concurrency: number;
  latencyMs: number;
  ratePerSecond: number;
  burst: number;
  /** After the two periods: one deployed worker container on the same endpoints (a third step). */
  container: (bed: OrganizationTestBed) => Promise<WorkerContainerMeasured>;
  progress: (line: string) => void;
}

export interface OrganizationPeriodMeasured {
  phase: 'first' | 'quiet';
  /** Work messages the planner queued (one per account, the hub's included). */
  messages: number;
  invocations: number;
  plannerWallMs: number;
  /** CPU of this whole process while the planner ran (the simulator and SQS endpoint too). */
  plannerCpuMs: number;
  /** From the first worker invocation's start to the last one's end. */
  wallMs: number;
  /** CPU of this whole process meanwhile: the workers, the simulator, dynalite, SNS. */
  cpuMs: number;
  /** The sum of the invocations' durations: what Lambda bills. */
  invocationMsTotal: number;
  /** Per invocation: its duration less the longest check (runCheck) of its batch. */
  medianOverheadMs: number;
  checks: number;
  unknown: number;
  /** Messages the worker reported in batchItemFailures. */
  failedMessages: number;
  /** Bedrock requests the simulator answered (successes) and throttled, all accounts. */
  bedrockRequests: number;
  throttled: number;
  assumeRoles: number;
  /** DynamoDB requests at dynalite by operation, in all and per account; capacity units. */
  dynamoRequests: Record<string, number>;
  dynamoPerAccount: Record<string, number>;
  capacityPerAccount: Record<string, number>;
  writesPerAccount: number;
  /** What the workers wrote to stdout (Powertools' log lines and EMF metrics). */
  logBytes: number;
  snsPublishes: number;
}

export interface OrganizationRunMeasured {
  accounts: number;
  members: number;
  pairsPerAccount: number;
  models: number;
  regions: number;
  concurrency: number;
  batchSize: number;
  latencyMs: number;
  ratePerSecond: number;
  burst: number;
  periods: OrganizationPeriodMeasured[];
  /**
   * process.resourceUsage().maxRSS of the bench process (simulator, dynalite, endpoints and the
   * in-process workers: not a Lambda container's) before and after the two periods.
   */
  benchProcessPeakRssBeforeMib: number;
  benchProcessPeakRssAfterMib: number;
  /** One deployed worker container (a process of its own) serving `batches` batches. */
  container: WorkerContainerMeasured;
}

/** The scenario: every model ENABLED, `latencyMs` a call, each account and region its rate. */
export function organizationScenarioYaml(options: {
  memberIds: readonly string[];
  models: readonly string[];
  latencyMs: number;
  ratePerSecond: number;
  burst: number;
}): string {
  return [
    `account: "${HUB_ACCOUNT}"`,
    'catalog:',
    ...options.models.map((id) => `  - id: ${id}`),
    'default: ENABLED',
    'faults:',
    `  - latencyMs: ${options.latencyMs}`,
    `    throttle: { ratePerSecond: ${options.ratePerSecond}, burst: ${options.burst} }`,
    'organization:',
    '  roots: [r-bench]',
    '  accounts:',
    ...options.memberIds.map((id, i) => `    - { id: "${id}", name: member-${i + 1} }`),
    '',
  ].join('\n');
}

/** The config: `models` in `regions`, in every account of the organization. */
export function organizationConfigYaml(
  models: readonly string[],
  regions: readonly string[],
): string {
  return `${watchedConfigYaml(models, regions)}accounts:\n  roleName: bedrock-access-monitor-read\n  organization: {}\n`;
}

/** `items` in consecutive groups of `size` (SQS batches), the last one shorter. */
export function batchesOf<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1)
    throw new Error(`a batch size must be >= 1, got ${size}`);
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
  return batches;
}

export function memberIds(count: number): string[] {
  return Array.from({ length: count }, (_, i) => String(100_000_000_000 + i + 1));
}

export async function measureOrganizationRun(
  options: OrganizationRunOptions,
): Promise<OrganizationRunMeasured> {
  const members = memberIds(options.members);
  const configYaml = organizationConfigYaml(options.models, options.regions);
  const rssBefore = process.resourceUsage().maxRSS;
  const bed = await OrganizationTestBed.start(
    organizationScenarioYaml({ memberIds: members, ...options }),
    configYaml,
  );
  try {
    // Powertools reads these when its Logger and Metrics are created, as in Lambda.
    Object.assign(process.env, POWERTOOLS_ENVIRONMENT, {
      ...LAMBDA_ENVIRONMENT,
      AWS_LAMBDA_FUNCTION_NAME: 'bedrock-access-monitor-prod-checkAccount',
    });
    let periodStartMs = 0;
    const clockAtStart = () => bed.clock;
    // One worker per concurrent invocation, as Lambda runs each in a container of its own.
    const workers = Array.from({ length: options.concurrency }, () =>
      createWorkerHandler({
        environment: readHandlerEnvironment(),
        ...powertoolsSinks(new Logger(), new Metrics()),
        now: () => new Date(clockAtStart() + (performance.now() - periodStartMs)),
      }),
    );
    const periods: OrganizationPeriodMeasured[] = [];
    for (const phase of ['first', 'quiet'] as const) {
      periodStartMs = performance.now();
      periods.push(await runPeriod(bed, workers, phase));
      bed.clock += 300_000;
      const last = periods.at(-1) as OrganizationPeriodMeasured;
      options.progress(
        `organization ${phase} period: ${last.messages} accounts, ${round(last.wallMs)} ms, ${last.unknown} UNKNOWN, ${last.failedMessages} failed, DynamoDB per account ${JSON.stringify(last.dynamoPerAccount)}`,
      );
    }
    const rssAfter = process.resourceUsage().maxRSS;
    const container = await options.container(bed);
    options.progress(
      `worker container, ${container.models} x ${container.regions}: ${container.accountsServed} accounts in ${container.batches} batches, ${container.unknown} UNKNOWN, ${container.failedMessages} failed, peak RSS ${container.peakRssMib} MiB`,
    );
    return {
      accounts: members.length + 1,
      members: members.length,
      pairsPerAccount: options.models.length * options.regions.length,
      models: options.models.length,
      regions: options.regions.length,
      concurrency: options.concurrency,
      batchSize: WORKER_BATCH_SIZE,
      latencyMs: options.latencyMs,
      ratePerSecond: options.ratePerSecond,
      burst: options.burst,
      periods,
      benchProcessPeakRssBeforeMib: round(rssBefore / 1024, 1),
      benchProcessPeakRssAfterMib: round(rssAfter / 1024, 1),
      container,
    };
  } finally {
    await bed.close();
  }
}

async function runPeriod(
  bed: OrganizationTestBed,
  workers: WorkerHandler[],
  phase: 'first' | 'quiet',
): Promise<OrganizationPeriodMeasured> {
  bed.simulator.resetStats();
  const plannerCpu = process.cpuUsage();
  const plannerStart = performance.now();
  const messages = await bed.plan();
  const plannerWallMs = performance.now() - plannerStart;
  const plannerCpuUsage = process.cpuUsage(plannerCpu);

  const batches = batchesOf(messages, WORKER_BATCH_SIZE).map((batch) =>
    batch.map((message) => sqsRecord(message)),
  );
  const dynamoBefore = bed.dynamo.requests.length;
  const consumedBefore = bed.dynamo.consumed.length;
  const publishedBefore = bed.sns.published.length;
  const invocations: Array<{ wallMs: number; accounts: string[] }> = [];
  let failedMessages = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  // The workers' log lines are counted, not printed (the report is this process's stdout).
  const { text } = await captureStdout(async () => {
    let next = 0;
    await Promise.all(
      workers.map(async (worker) => {
        while (next < batches.length) {
          const batch = batches[next] as SQSRecord[];
          next += 1;
          const began = performance.now();
          const response = await bed.deliver(worker, batch);
          invocations.push({
            wallMs: performance.now() - began,
            accounts: batch.map(
              (record) => (JSON.parse(record.body) as { account: string }).account,
            ),
          });
          failedMessages += response.batchItemFailures.length;
        }
      }),
    );
  });
  const wallMs = performance.now() - start;
  const cpuUsage = process.cpuUsage(cpu);

  const summaries = runSummaries(text);
  const overheads = invocations.map(
    (invocation) =>
      invocation.wallMs -
      Math.max(0, ...invocation.accounts.map((account) => summaries.get(account)?.durationMs ?? 0)),
  );
  const accounts = messages.length;
  const dynamoRequests: Record<string, number> = {};
  for (const operation of bed.dynamo.requests.slice(dynamoBefore)) {
    dynamoRequests[operation] = (dynamoRequests[operation] ?? 0) + 1;
  }
  const capacity: Record<string, number> = {};
  for (const { operation, units } of bed.dynamo.consumed.slice(consumedBefore)) {
    capacity[operation] = (capacity[operation] ?? 0) + units;
  }
  const perAccount = (values: Record<string, number>) =>
    Object.fromEntries(
      Object.entries(values).map(([name, count]) => [name, round(count / accounts, 2)]),
    );
  const stats = bed.simulator.stats();
  const bedrock: readonly string[] = BEDROCK_OPERATIONS;
  const answers = Object.values(stats.regions).flatMap((operations) =>
    Object.entries(operations)
      .filter(([operation]) => bedrock.includes(operation))
      .map(([, counts]) => counts),
  );
  const checks = [...summaries.values()];
  return {
    phase,
    messages: accounts,
    invocations: invocations.length,
    plannerWallMs: round(plannerWallMs),
    plannerCpuMs: round((plannerCpuUsage.user + plannerCpuUsage.system) / 1000),
    wallMs: round(wallMs),
    cpuMs: round((cpuUsage.user + cpuUsage.system) / 1000),
    invocationMsTotal: round(invocations.reduce((total, i) => total + i.wallMs, 0)),
    medianOverheadMs: round(median(overheads), 1),
    checks: checks.reduce((total, summary) => total + summary.checks, 0),
    unknown: checks.reduce((total, summary) => total + summary.unknown, 0),
    failedMessages,
    bedrockRequests: answers.reduce((total, counts) => total + counts.successes, 0),
    throttled: answers.reduce((total, counts) => total + counts.throttled, 0),
    assumeRoles: stats.regions['us-east-1']?.AssumeRole?.successes ?? 0,
    dynamoRequests,
    dynamoPerAccount: perAccount(dynamoRequests),
    capacityPerAccount: perAccount(capacity),
    writesPerAccount: round(
      WRITE_OPERATIONS.reduce((total, operation) => total + (dynamoRequests[operation] ?? 0), 0) /
        accounts,
      2,
    ),
    logBytes: Buffer.byteLength(text, 'utf8'),
    snsPublishes: bed.sns.published.length - publishedBefore,
  };
}

/** Each account's "Run summary" log line: its runCheck duration, checks and UNKNOWN results. */
function runSummaries(
  text: string,
): Map<string, { durationMs: number; checks: number; unknown: number }> {
  const found = new Map<string, { durationMs: number; checks: number; unknown: number }>();
  for (const line of text.split('\n')) {
    if (!line.includes('"Run summary"')) continue;
    const parsed = JSON.parse(line) as {
      account: string;
      durationMs: number;
      checks: number;
      states: Record<string, number>;
    };
    found.set(parsed.account, {
      durationMs: parsed.durationMs,
      checks: parsed.checks,
      unknown: parsed.states.UNKNOWN ?? 0,
    });
  }
  return found;
}
