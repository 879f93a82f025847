/**
 * Part 5, monthly cost: the measured durations, request counts and log bytes of a quiet run,
 * times the runs a month holds, at the published prices (bench/prices.ts). Fixed items (the KMS
 * key, the alarms) are shown apart from the usage-driven ones.
 */
import { FREE_TIER, INIT_BILLED_SINCE, LAMBDA_MB_PER_VCPU, PRICES, type Price } from './prices.ts';
import { round } from './stats.ts';

export interface MeasuredRun {
  name: string;
  pairs: number;
  /** Import of the handler bundle in a fresh process (Lambda's INIT), wall and CPU. */
  importMs: number;
  importCpuMs: number;
  /** The first (cold) invocation, wall and CPU. */
  invokeMs: number;
  invokeCpuMs: number;
  /** The read units of the quiet run's Query, and its write units (none when nothing changed). */
  readUnits: number;
  writeUnits: number;
  /** What the handler wrote to its log in one run. */
  logBytes: number;
}

export interface CostItem {
  item: string;
  kind: 'fixed' | 'usage';
  usage: string;
  price: string;
  monthlyUsd: number;
}

export interface CostEstimate {
  name: string;
  pairs: number;
  runsPerMonth: number;
  /** ms per run as measured here, and as estimated at the function's memory size. */
  measuredRunMs: number;
  estimatedBilledMs: number;
  logBytesPerRun: number;
  items: CostItem[];
  fixedUsd: number;
  usageUsd: number;
  totalUsd: number;
  /** The same with `alertTopicKmsKeyArn` set: the topic uses a key the account already has. */
  totalWithSharedKeyUsd: number;
  /** The same with `dashboard` false: the stack makes no dashboard. */
  totalWithoutDashboardUsd: number;
  /** With the account's always-free allowances, if nothing else in the account uses them. */
  totalWithFreeTierUsd: number;
  dominant: string;
}

export interface FixedCounts {
  kmsKeys: number;
  /** Custom metrics, each sent only by runs where it is above zero (failures, transitions, publishes). */
  eventMetrics: number;
  alarms: number;
  /** The metrics the alarms evaluate, the unit CloudWatch bills alarms by. */
  alarmMetrics: number;
  /** The CloudWatch dashboard (the `dashboard` parameter, on by default). */
  dashboards: number;
}

/**
 * Custom metrics are billed by the hour, and only for hours in which they are sent ("All custom
 * metrics charges are prorated by the hour and metered only when you send metrics to
 * CloudWatch", CloudWatch pricing page). An event metric is assumed sent in this many hours a
 * month: a day's worth of hours with a transition, a failed check or a publish, which is more
 * than a quiet watch list sees.
 */
export const EVENT_HOURS_PER_MONTH = 24;
const HOURS_PER_MONTH = 730;

/**
 * Lambda's own lines per invocation, in the default Text log format: START, END and REPORT
 * (with Init Duration on a cold start). Not written by the handler, but ingested all the same.
 */
export function platformLogBytes(run: {
  billedMs: number;
  memoryMb: number;
  maxMemoryMb: number;
}): number {
  const id = '8f5c3f4b-2d1e-4b7a-9a3c-1e2f3a4b5c6d';
  const lines = [
    `START RequestId: ${id} Version: $LATEST\n`,
    `END RequestId: ${id}\n`,
    `REPORT RequestId: ${id}\tDuration: ${run.billedMs.toFixed(2)} ms\tBilled Duration: ${run.billedMs} ms\tMemory Size: ${run.memoryMb} MB\tMax Memory Used: ${run.maxMemoryMb} MB\tInit Duration: 400.00 ms\t\n`,
  ];
  return lines.reduce((total, line) => total + Buffer.byteLength(line), 0);
}

/**
 * Milliseconds a part of a run measured here takes in Lambda at `memoryMb`. This machine gives
 * it a whole core; Lambda gives memoryMb / 1769 of one, so its CPU time stretches by that factor.
 */
export function atLambdaMemory(
  measured: { wallMs: number; cpuMs: number },
  memoryMb: number,
): number {
  const stretch = LAMBDA_MB_PER_VCPU / memoryMb - 1;
  return Math.ceil(measured.wallMs + measured.cpuMs * stretch);
}

export function estimateMonthlyCost(options: {
  run: MeasuredRun;
  runsPerMonth: number;
  memoryMb: number;
  maxMemoryMb: number;
  fixed: FixedCounts;
}): CostEstimate {
  const { run, runsPerMonth, memoryMb, fixed } = options;
  // Every run is billed as a cold start (INIT billed since 2025-08-01), an upper bound: most
  // runs find a warm container.
  const measuredRunMs = run.importMs + run.invokeMs;
  const estimatedBilledMs = atLambdaMemory(
    { wallMs: run.importMs + run.invokeMs, cpuMs: run.importCpuMs + run.invokeCpuMs },
    memoryMb,
  );
  const gbSeconds = (estimatedBilledMs / 1000) * (memoryMb / 1024) * runsPerMonth;
  const logBytesPerRun =
    run.logBytes +
    platformLogBytes({
      billedMs: estimatedBilledMs,
      memoryMb,
      maxMemoryMb: options.maxMemoryMb,
    });
  const logGb = (logBytesPerRun * runsPerMonth) / 1024 ** 3;

  const items: CostItem[] = [
    ...lambdaItems('', { billedMs: estimatedBilledMs, memoryMb }, runsPerMonth),
    ...dynamoDbItems(run, runsPerMonth),
    usageItem(
      'CloudWatch Logs',
      `${logBytesPerRun} B x ${runsPerMonth} runs = ${round(logGb * 1024, 1)} MB`,
      PRICES.logsIngestion,
      logGb * PRICES.logsIngestion.usd,
    ),
    {
      item: 'KMS key (alert topic)',
      kind: 'fixed',
      usage: `${fixed.kmsKeys} key`,
      price: priceText(PRICES.kmsKey),
      monthlyUsd: fixed.kmsKeys * PRICES.kmsKey.usd,
    },
    usageItem(
      'CloudWatch custom metrics sent only above zero',
      `${fixed.eventMetrics} metrics x ${EVENT_HOURS_PER_MONTH} of ${HOURS_PER_MONTH} hours (assumed)`,
      PRICES.customMetric,
      (fixed.eventMetrics * PRICES.customMetric.usd * EVENT_HOURS_PER_MONTH) / HOURS_PER_MONTH,
    ),
    {
      item: 'CloudWatch alarms',
      kind: 'fixed',
      usage: `${fixed.alarms} alarms reading ${fixed.alarmMetrics} metrics`,
      price: priceText(PRICES.alarm),
      monthlyUsd: fixed.alarmMetrics * PRICES.alarm.usd,
    },
    {
      item: 'CloudWatch dashboard',
      kind: 'fixed',
      usage: `${fixed.dashboards} dashboard (the dashboard parameter)`,
      price: priceText(PRICES.dashboard),
      monthlyUsd: fixed.dashboards * PRICES.dashboard.usd,
    },
  ];
  const fixedUsd = sumOf(items.filter((item) => item.kind === 'fixed'));
  const usageUsd = sumOf(items.filter((item) => item.kind === 'usage'));
  const metricsUsd = sumOf(items.filter((item) => item.item.startsWith('CloudWatch custom')));
  const kmsUsd = fixed.kmsKeys * PRICES.kmsKey.usd;
  const dashboardUsd = fixed.dashboards * PRICES.dashboard.usd;
  const freeTierSavings =
    (fixed.eventMetrics <= FREE_TIER.customMetrics ? metricsUsd : 0) +
    Math.min(fixed.alarmMetrics, FREE_TIER.alarms) * PRICES.alarm.usd +
    Math.min(fixed.dashboards, FREE_TIER.dashboards) * PRICES.dashboard.usd +
    Math.min(logGb, FREE_TIER.logsGb) * PRICES.logsIngestion.usd +
    Math.min(gbSeconds, FREE_TIER.lambdaGbSeconds) * PRICES.lambdaGbSecondArm.usd +
    Math.min(runsPerMonth, FREE_TIER.lambdaRequests) * PRICES.lambdaRequest.usd;
  const dominant = [...items].sort((a, b) => b.monthlyUsd - a.monthlyUsd)[0] as CostItem;
  return {
    name: run.name,
    pairs: run.pairs,
    runsPerMonth,
    measuredRunMs: round(measuredRunMs),
    estimatedBilledMs,
    logBytesPerRun,
    items: items.map((item) => ({ ...item, monthlyUsd: round(item.monthlyUsd, 4) })),
    fixedUsd: round(fixedUsd, 4),
    usageUsd: round(usageUsd, 4),
    totalUsd: round(fixedUsd + usageUsd, 4),
    totalWithSharedKeyUsd: round(fixedUsd + usageUsd - kmsUsd, 4),
    totalWithoutDashboardUsd: round(fixedUsd + usageUsd - dashboardUsd, 4),
    totalWithFreeTierUsd: round(fixedUsd + usageUsd - freeTierSavings, 4),
    dominant: `${dominant.item} ($${dominant.monthlyUsd.toFixed(2)})`,
  };
}

/** Bytes of the grant history's lines as the function's logger writes them (bench/history-lines.ts). */
export interface HistoryLineBytes {
  /** A "Grant first seen" line. */
  firstSeen: number;
  /** A "Check failed" line, and what the same failure adds to the run's summary line. */
  checkFailed: number;
  summaryPerFailure: number;
}

/** What the grant history's lines add to the log of one config (none in a quiet run). */
export interface HistoryLineCost {
  name: string;
  pairs: number;
  /** Every pair's first sighting, logged once: after a deploy, or when the config adds pairs. */
  firstSightingsBytes: number;
  firstSightingsUsd: number;
  /** One pair whose check fails in every run of a month. */
  oneFailingPairMonthBytes: number;
  oneFailingPairMonthUsd: number;
  /** Every pair's check failing in every run of a month (the role denied everywhere, ...). */
  allFailingMonthBytes: number;
  allFailingMonthUsd: number;
}

export function historyLineCost(options: {
  name: string;
  pairs: number;
  runsPerMonth: number;
  bytes: HistoryLineBytes;
}): HistoryLineCost {
  const { name, pairs, runsPerMonth, bytes } = options;
  const usdOf = (total: number) => round((total / 1024 ** 3) * PRICES.logsIngestion.usd, 4);
  const firstSightingsBytes = pairs * bytes.firstSeen;
  const oneFailingPairMonthBytes = runsPerMonth * (bytes.checkFailed + bytes.summaryPerFailure);
  const allFailingMonthBytes = pairs * oneFailingPairMonthBytes;
  return {
    name,
    pairs,
    firstSightingsBytes,
    firstSightingsUsd: usdOf(firstSightingsBytes),
    oneFailingPairMonthBytes,
    oneFailingPairMonthUsd: usdOf(oneFailingPairMonthBytes),
    allFailingMonthBytes,
    allFailingMonthUsd: usdOf(allFailingMonthBytes),
  };
}

export const COST_NOTES = [
  `Every run is billed as a cold start (INIT is billed since ${INIT_BILLED_SINCE}); most runs find a warm container, so this is an upper bound.`,
  `Lambda time: the measured wall time plus the measured CPU time stretched to the CPU share of the function's memory (${LAMBDA_MB_PER_VCPU} MB = 1 vCPU); INIT is stretched too, though Lambda is reported to give it more CPU: an upper bound.`,
  'A transition adds 3 DynamoDB writes and 1 SNS publish (SNS: first million publishes free): a fraction of a cent.',
  `CheckFailures, Transitions and Notifications are sent only by runs where they are above zero (a quiet run sends no metric), and custom metrics are billed by the hour in which they are sent: assumed ${EVENT_HOURS_PER_MONTH} such hours a month.`,
  "The no-successful-run alarm reads Lambda's own Invocations and Errors (free metrics); as a metric math alarm over two metrics it is billed as two alarm metrics.",
  'With alertTopicKmsKeyArn (a key the account already has) the stack creates no key: the KMS item drops out.',
  `The dashboard is free within the account's first ${FREE_TIER.dashboards} dashboards; with dashboard=false the stack has none. Opening it runs its three Logs Insights widgets ($${PRICES.logsInsightsScan.usd} per GB scanned): not counted, a fraction of a cent per view on a log this size.`,
  'The grant history lines (src/monitor/history-log.ts) are not in a quiet run: a first sighting is logged once per pair, a transition once, and a failed check once per run in which it fails (plus its entry in the run summary); their cost is shown apart below.',
  'Not counted: DynamoDB storage and point-in-time recovery (under 1 MB of state), SNS, EventBridge schedules (free), log storage.',
];

/** A cost item that grows with use. */
export function usageItem(
  item: string,
  amount: string,
  price: Price,
  monthlyUsd: number,
): CostItem {
  return { item, kind: 'usage', usage: amount, price: priceText(price), monthlyUsd };
}

/** Lambda duration and requests of `invocations` a month, each `billedMs` at `memoryMb`. */
export function lambdaItems(
  what: string,
  each: { billedMs: number; memoryMb: number },
  invocations: number,
): CostItem[] {
  const gbSeconds = (each.billedMs / 1000) * (each.memoryMb / 1024) * invocations;
  const suffix = what === '' ? '' : ` (${what})`;
  return [
    usageItem(
      `Lambda duration${suffix}`,
      `${round(each.billedMs, 1)} ms x ${each.memoryMb} MB x ${invocations} runs = ${round(gbSeconds)} GB-s`,
      PRICES.lambdaGbSecondArm,
      gbSeconds * PRICES.lambdaGbSecondArm.usd,
    ),
    usageItem(
      `Lambda requests${suffix}`,
      `${invocations} requests`,
      PRICES.lambdaRequest,
      invocations * PRICES.lambdaRequest.usd,
    ),
  ];
}

/** The reads of a quiet run's Query, and the writes (only when something changed), a month. */
export function dynamoDbItems(
  run: { readUnits: number; writeUnits: number },
  runsPerMonth: number,
): CostItem[] {
  return [
    usageItem(
      'DynamoDB reads',
      `${run.readUnits} RRU x ${runsPerMonth} runs`,
      PRICES.dynamoReadUnit,
      run.readUnits * runsPerMonth * PRICES.dynamoReadUnit.usd,
    ),
    usageItem(
      'DynamoDB writes',
      `${run.writeUnits} WRU x ${runsPerMonth} runs (writes only on a change)`,
      PRICES.dynamoWriteUnit,
      run.writeUnits * runsPerMonth * PRICES.dynamoWriteUnit.usd,
    ),
  ];
}

export function priceText(price: Price): string {
  return `$${price.usd < 0.01 ? price.usd.toPrecision(3) : price.usd.toFixed(2)} per ${price.per}`;
}

function sumOf(items: CostItem[]): number {
  return items.reduce((total, item) => total + item.monthlyUsd, 0);
}
