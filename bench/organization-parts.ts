/**
 * Organization mode's three parts of the report, from what was measured: the real run's lower
 * bound, the modelled period at organization scale (organization-model.ts) fed by measured
 * durations, the monthly cost (organization-cost.ts), and their goals. No I/O here.
 */
import type { CostEstimate } from './cost.ts';
import { platformLogBytes } from './cost.ts';
import { type HubFixed, type OrganizationCost, organizationCost } from './organization-cost.ts';
import {
  leastConcurrencyWithin,
  type OrganizationPeriod,
  PUBLISHED,
  simulatePeriod,
} from './organization-model.ts';
import type { OrganizationPeriodMeasured, OrganizationRunMeasured } from './organization-run.ts';
import { counts, fmtMs, type Goal } from './report.ts';
import { round } from './stats.ts';
import { WRITE_OPERATIONS } from './steady-state.ts';
import type { WorkerContainerMeasured } from './worker-container.ts';

export const ORGANIZATION_GOALS = {
  /** The modelled organization: accounts, models, regions, in one schedule period. */
  modelled: {
    accounts: 1_000,
    models: 60,
    regions: 12,
    periodMs: 300_000,
    maximumConcurrency: 100,
  },
  perMemberUsd: 0.05,
} as const;

/**
 * The least wall time a period can take: each account needs at least (r - burst) / rate seconds
 * in its slowest region (r requests there; the token bucket starts with `burst`), and at most
 * concurrency x batchSize accounts are checked at once, so some invocation slot checks
 * ceil(accounts / (concurrency x batchSize)) accounts one after the other.
 */
export function organizationLowerBoundMs(options: {
  accounts: number;
  concurrency: number;
  batchSize: number;
  requestsPerAccountRegion: number;
  burst: number;
  ratePerSecond: number;
}): number {
  const waves = Math.ceil(options.accounts / (options.concurrency * options.batchSize));
  const perAccountMs =
    (Math.max(0, options.requestsPerAccountRegion - options.burst) / options.ratePerSecond) * 1000;
  return waves * perAccountMs;
}

export interface OrganizationRealPart extends Omit<OrganizationRunMeasured, 'container'> {
  /**
   * One deployed worker container each (a process of its own): on the real organization's
   * endpoints, then at the worker's largest size (60 x 12 per account); its peak RSS.
   */
  workerContainers: WorkerContainerMeasured[];
  /** The worker's memorySize (MB) as deployed: what the containers' peak RSS must stay below. */
  workerMemoryMb: number;
  /** Bedrock requests per account and region, as the simulator answered them (quiet period). */
  requestsPerAccountRegion: number;
  lowerBoundMs: number;
  lowerBoundFormula: string;
}

export function realPart(
  measured: OrganizationRunMeasured,
  worker: { atScale: WorkerContainerMeasured; memoryMb: number },
): OrganizationRealPart {
  const { container, ...run } = measured;
  const quiet = periodOf(measured, 'quiet');
  const requestsPerAccountRegion = round(
    quiet.bedrockRequests / (measured.accounts * measured.regions),
    2,
  );
  return {
    ...run,
    workerContainers: [container, worker.atScale],
    workerMemoryMb: worker.memoryMb,
    requestsPerAccountRegion,
    lowerBoundMs: round(
      organizationLowerBoundMs({
        accounts: measured.accounts,
        concurrency: measured.concurrency,
        batchSize: measured.batchSize,
        requestsPerAccountRegion,
        burst: measured.burst,
        ratePerSecond: measured.ratePerSecond,
      }),
    ),
    lowerBoundFormula: `ceil(${measured.accounts} accounts / (${measured.concurrency} invocations x ${measured.batchSize} messages)) x (${requestsPerAccountRegion} requests per account and region - burst ${measured.burst}) / ${measured.ratePerSecond} per s`,
  };
}

export interface OrganizationModelPart {
  accounts: number;
  models: number;
  regions: number;
  checks: number;
  periodMs: number;
  /** What the model was fed, and from where. */
  inputs: {
    checkMs: number;
    checkMsFrom: string;
    assumeRoleMs: number;
    assumeRoleMsFrom: string;
    pageMs: number;
    batchMs: number;
    callMsFrom: string;
  };
  atMaximumConcurrency: {
    maximumConcurrency: number;
    listedAtMs: number;
    enqueuedAtMs: number;
    finishedAtMs: number;
    peakConcurrency: number;
  };
  /** The least maximumConcurrency that checks every account within the period (none: null). */
  leastConcurrency: number | null;
  published: typeof PUBLISHED;
}

/**
 * 1,000 accounts x 60 models x 12 regions: each account's check takes what the scale part's
 * 60 x 12 run took (each account has its own rate, so accounts do not slow one another), plus
 * the worker's overhead per message measured in the real part; every account assumes its role
 * (the worst case: every cached credential expired), taking the first period's overhead.
 */
export function modelPart(options: {
  scaleMedianWallMs: number;
  real: OrganizationRunMeasured;
}): OrganizationModelPart {
  const { modelled } = ORGANIZATION_GOALS;
  const first = periodOf(options.real, 'first');
  const quiet = periodOf(options.real, 'quiet');
  const checkMs = Math.round(options.scaleMedianWallMs + quiet.medianOverheadMs);
  const assumeRoleMs = Math.round(first.medianOverheadMs);
  // The planner's calls (ListAccounts pages, SendMessageBatch) as measured: its quiet period's
  // wall time spread over the calls it made.
  const pages = Math.ceil(
    options.real.accounts / PUBLISHED.organizationsListAccounts.value.pageSize,
  );
  const sends = Math.ceil(options.real.accounts / 10);
  const callMs = Math.max(1, Math.round(quiet.plannerWallMs / (pages + sends)));
  const period: Omit<OrganizationPeriod, 'maximumConcurrency'> = {
    accounts: modelled.accounts,
    checkMs: () => checkMs,
    scaling: PUBLISHED.eventSourceScaling.value,
    assumesRole: () => true,
    assumeRoleMs,
    stsRequestsPerSecond: PUBLISHED.stsRequestsPerSecond.value,
    listing: {
      pageSize: PUBLISHED.organizationsListAccounts.value.pageSize,
      pageMs: callMs,
      pagesPerSecond: PUBLISHED.organizationsListAccounts.value.pagesPerSecond,
    },
    enqueue: { batchMs: callMs, inFlight: 1 },
  };
  const outcome = simulatePeriod({ ...period, maximumConcurrency: modelled.maximumConcurrency });
  return {
    accounts: modelled.accounts,
    models: modelled.models,
    regions: modelled.regions,
    checks: modelled.accounts * modelled.models * modelled.regions,
    periodMs: modelled.periodMs,
    inputs: {
      checkMs,
      checkMsFrom: `part 1's median handler run at 60 x 12 (${round(options.scaleMedianWallMs)} ms) + the quiet period's median worker overhead per invocation (${quiet.medianOverheadMs} ms)`,
      assumeRoleMs,
      assumeRoleMsFrom:
        "the first period's median worker overhead per invocation (AssumeRole, client set-up), for every account",
      pageMs: callMs,
      batchMs: callMs,
      callMsFrom: `the real planner's quiet period, ${round(quiet.plannerWallMs)} ms over ${pages} ListAccounts pages and ${sends} SendMessageBatch calls`,
    },
    atMaximumConcurrency: {
      maximumConcurrency: modelled.maximumConcurrency,
      listedAtMs: outcome.listedAtMs,
      enqueuedAtMs: outcome.enqueuedAtMs,
      finishedAtMs: outcome.finishedAtMs,
      peakConcurrency: outcome.peakConcurrency,
    },
    leastConcurrency: leastConcurrencyWithin(period, modelled.periodMs) ?? null,
    published: PUBLISHED,
  };
}

export interface OrganizationCostPart {
  /** The member run the cost is computed from (the real part's quiet period, per account). */
  member: {
    wallMs: number;
    cpuMs: number;
    readUnits: number;
    writeUnits: number;
    logBytes: number;
  };
  hub: Omit<HubFixed, 'plannerWallMs' | 'plannerCpuMs'>;
  coldStartsPerPeriod: number;
  estimates: OrganizationCost[];
  notes: string[];
}

/** Lambda's SQS event source: five pollers while the queue is empty, 20 s long polls. */
const IDLE_POLLERS = 5;
const POLL_WAIT_SECONDS = 20;
/** The alarm organization mode adds: WorkDeadLetterAlarm (serverless/organization-mode.cjs). */
const ADDED_ALARM_METRICS = 1;
/** A strongly consistent GetItem of an item under 4 KB: one read unit. */
const GET_ITEM_READ_UNITS = 1;

export function costPart(options: {
  real: OrganizationRunMeasured;
  model: OrganizationModelPart;
  runsPerMonth: number;
  memoryMb: number;
  /** The single-account stack at the default config (part 5). */
  singleStack: CostEstimate;
  /** The deployed bundle's import in a fresh process (part 4), Lambda's billed INIT. */
  coldStart: { wallMs: number; cpuMs: number };
  /** The deployed handler's peak RSS, for the REPORT line. */
  maxMemoryMb: number;
}): OrganizationCostPart {
  const { real } = options;
  const quiet = periodOf(real, 'quiet');
  const perInvocationMs = quiet.invocationMsTotal / quiet.invocations;
  const platformBytes = platformLogBytes({
    billedMs: Math.ceil(perInvocationMs),
    memoryMb: options.memoryMb,
    maxMemoryMb: options.maxMemoryMb,
  });
  const capacity = quiet.capacityPerAccount;
  // The account-status store asks for no ConsumedCapacity: its GetItem counts as one unit.
  const getItemUnits =
    capacity.GetItem ?? (quiet.dynamoPerAccount.GetItem ?? 0) * GET_ITEM_READ_UNITS;
  const member = {
    // An invocation checks a batch of accounts at once: each account pays its share.
    wallMs: round(quiet.invocationMsTotal / quiet.messages, 1),
    cpuMs: round(quiet.cpuMs / quiet.messages, 1),
    readUnits: round((capacity.Query ?? 0) + getItemUnits, 2),
    writeUnits: round(
      WRITE_OPERATIONS.reduce((total, operation) => total + (capacity[operation] ?? 0), 0),
      2,
    ),
    logBytes: Math.round((quiet.logBytes + quiet.invocations * platformBytes) / quiet.messages),
  };
  const hub = {
    plannerMemoryMb: options.memoryMb,
    idlePollers: IDLE_POLLERS,
    pollWaitSeconds: POLL_WAIT_SECONDS,
    addedAlarmMetrics: ADDED_ALARM_METRICS,
    stackFixedUsd: round(
      options.singleStack.totalWithoutDashboardUsd - options.singleStack.usageUsd,
      4,
    ),
  };
  const coldStartsPerPeriod = real.concurrency;
  const estimates = [real.accounts, options.model.accounts].map((accounts) => {
    // The planner: as measured for the real organization; for a larger one, as long as the
    // model's listing and enqueueing take, its CPU in proportion to the accounts.
    const measured = accounts === real.accounts;
    return organizationCost({
      accounts,
      runsPerMonth: options.runsPerMonth,
      member,
      workerMemoryMb: options.memoryMb,
      coldStartsPerPeriod,
      coldStartMeasured: options.coldStart,
      hub: {
        ...hub,
        plannerWallMs: measured
          ? quiet.plannerWallMs
          : Math.max(quiet.plannerWallMs, options.model.atMaximumConcurrency.enqueuedAtMs),
        plannerCpuMs: measured
          ? quiet.plannerCpuMs
          : (quiet.plannerCpuMs * accounts) / real.accounts,
      },
      singleStackUsd: options.singleStack.totalWithoutDashboardUsd,
    });
  });
  return {
    member,
    hub,
    coldStartsPerPeriod,
    estimates,
    notes: [
      `the member run: the real part's quiet period per account (${real.pairsPerAccount} pairs); its CPU is this whole process's (workers, simulator, dynalite), an upper bound`,
      `cold starts: at most ${coldStartsPerPeriod} a period (every container of workerMaximumConcurrency ${coldStartsPerPeriod} started cold), each one the deployed bundle's import (INIT) as measured in part 4`,
      `SQS: ${IDLE_POLLERS} idle pollers with ${POLL_WAIT_SECONDS} s long polls (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html, read 2026-12-01); per message its share of SendMessageBatch, one ReceiveMessage and one DeleteMessage (batch size 1: an upper bound, the worker's batch is ${real.batchSize})`,
      "one stack per account: part 5's default-config total without the dashboard (each account has three dashboards free)",
    ],
  };
}

export function organizationGoals(parts: {
  real: OrganizationRealPart;
  model: OrganizationModelPart;
  cost: OrganizationCostPart;
}): Goal[] {
  const { real, model, cost } = parts;
  const first = periodOf(real, 'first');
  const quiet = periodOf(real, 'quiet');
  const otherOperations = Object.entries(quiet.dynamoPerAccount).filter(
    ([operation]) => operation !== 'Query',
  );
  const atMaximum = model.atMaximumConcurrency;
  const perMember = cost.estimates[0]?.perMemberUsd ?? Number.NaN;
  return [
    {
      part: '6 organization, real',
      goal: `${real.accounts} accounts x ${real.pairsPerAccount} pairs: 0 UNKNOWN; quiet period 1 Query and no other DynamoDB request per account`,
      measured: `first ${fmtMs(first.wallMs)}, quiet ${fmtMs(quiet.wallMs)} (lower bound ${fmtMs(real.lowerBoundMs)}); ${first.unknown + quiet.unknown} UNKNOWN, ${first.failedMessages + quiet.failedMessages} failed messages; quiet per account ${counts(quiet.dynamoPerAccount)}`,
      met:
        first.unknown + quiet.unknown === 0 &&
        first.failedMessages + quiet.failedMessages === 0 &&
        quiet.dynamoPerAccount.Query === 1 &&
        otherOperations.length === 0,
    },
    {
      part: '6 organization, worker memory',
      goal: `one worker container's peak RSS < its memorySize, ${real.workerMemoryMb} MB`,
      measured: real.workerContainers
        .map(
          (container) =>
            `${container.models} x ${container.regions}: ${container.peakRssMib} MiB after ${container.accountsServed} accounts (${container.batches} batches)`,
        )
        .join('; '),
      met: real.workerContainers.every(
        (container) =>
          container.peakRssMib < real.workerMemoryMb &&
          container.accountsServed === container.batches * real.batchSize,
      ),
    },
    {
      part: '7 organization, modelled',
      goal: `${model.accounts} accounts x ${model.models} x ${model.regions} within ${fmtMs(model.periodMs)} at maximumConcurrency <= ${atMaximum.maximumConcurrency}`,
      measured: `all checked at ${fmtMs(atMaximum.finishedAtMs)} at ${atMaximum.maximumConcurrency}; the least concurrency that fits: ${model.leastConcurrency ?? 'none'}`,
      met: atMaximum.finishedAtMs <= model.periodMs,
    },
    {
      part: '8 organization cost',
      goal: `per member account <= $${ORGANIZATION_GOALS.perMemberUsd.toFixed(2)} a month, every 5 minutes`,
      measured: cost.estimates
        .map(
          (estimate) =>
            `${estimate.accounts} accounts: $${estimate.perMemberUsd.toFixed(4)} a member + hub $${estimate.hubUsd.toFixed(2)} = $${estimate.totalUsd.toFixed(2)}, one stack each $${estimate.stackPerAccountUsd.toFixed(2)}`,
        )
        .join('; '),
      met: perMember <= ORGANIZATION_GOALS.perMemberUsd,
    },
  ];
}

export function periodOf(
  run: Pick<OrganizationRunMeasured, 'periods'>,
  phase: OrganizationPeriodMeasured['phase'],
): OrganizationPeriodMeasured {
  const found = run.periods.find((period) => period.phase === phase);
  if (found === undefined) throw new Error(`the organization run has no ${phase} period`);
  return found;
}
