/**
 * Organization mode at a scale this machine cannot run: a discrete-event model of one schedule
 * period. The planner lists the accounts (Organizations pages, one after the other, within its
 * request rate) and enqueues one message per account (SendMessageBatch, 10 a call); Lambda's
 * SQS event source starts workers, beginning with a few and adding more each minute up to
 * `maximumConcurrency`; each worker assumes the member role when its cached credentials have
 * expired (within the STS request rate) and then checks the account, for a duration measured on
 * the real worker. Everything is in whole milliseconds.
 */

export interface EventSourceScaling {
  /** Concurrent invocations as soon as messages are available. */
  initial: number;
  /** Invocations added per minute while messages are waiting. */
  addedPerMinute: number;
  /** The most an event source mapping runs at once, whatever `maximumConcurrency` says. */
  cap: number;
}

export interface OrganizationPeriod {
  accounts: number;
  /** Milliseconds a worker spends on account `index` once it has credentials. */
  checkMs: (index: number) => number;
  maximumConcurrency: number;
  scaling: EventSourceScaling;
  /** The accounts whose cached credentials have expired this period (each one AssumeRole). */
  assumesRole: (index: number) => boolean;
  assumeRoleMs: number;
  /** AssumeRole calls the hub may start per second. */
  stsRequestsPerSecond: number;
  /** Organizations ListAccounts: accounts per page, ms per page, pages per second allowed. */
  listing: { pageSize: number; pageMs: number; pagesPerSecond: number };
  /** SendMessageBatch: ms per call of up to 10 messages, calls in flight at once. */
  enqueue: { batchMs: number; inFlight: number };
}

export interface PeriodOutcome {
  /** When the planner had listed every account and when it had enqueued the last one. */
  listedAtMs: number;
  enqueuedAtMs: number;
  /** When the last account's check finished. */
  finishedAtMs: number;
  peakConcurrency: number;
  /** When each account's worker started and finished, by account index. */
  startedAtMs: number[];
  endedAtMs: number[];
}

const SEND_BATCH = 10;

/** The event source's concurrency limit `sinceMs` after messages first became available. */
export function concurrencyLimit(
  scaling: EventSourceScaling,
  maximumConcurrency: number,
  sinceMs: number,
): number {
  const ramped = scaling.initial + Math.floor((scaling.addedPerMinute * sinceMs) / 60_000);
  return Math.min(ramped, scaling.cap, maximumConcurrency);
}

/** The first whole millisecond at or after `sinceMs` at which the limit exceeds `limit`. */
function nextLimitRise(scaling: EventSourceScaling, limit: number): number {
  // initial + floor(added * t / 60000) > limit  <=>  added * t >= (limit - initial + 1) * 60000
  return Math.ceil(((limit - scaling.initial + 1) * 60_000) / scaling.addedPerMinute);
}

/** When each message becomes visible: listing pages, then batches of 10 sent `inFlight` at once. */
export function messageArrivals(period: OrganizationPeriod): {
  listedAtMs: number;
  arrivals: number[];
} {
  const { accounts, listing, enqueue } = period;
  const pages = Math.max(1, Math.ceil(accounts / listing.pageSize));
  const pageSpacingMs = Math.ceil(1000 / listing.pagesPerSecond);
  let listedAtMs = 0;
  for (let page = 0; page < pages; page += 1) {
    // A page is requested once the previous one answered (its NextToken) and the rate allows.
    const start = Math.max(listedAtMs, page * pageSpacingMs);
    listedAtMs = start + listing.pageMs;
  }
  const batches = Math.ceil(accounts / SEND_BATCH);
  const arrivals: number[] = [];
  const lanes = Array.from({ length: Math.max(1, enqueue.inFlight) }, () => listedAtMs);
  for (let batch = 0; batch < batches; batch += 1) {
    const lane = batch % lanes.length;
    const sentAt = (lanes[lane] as number) + enqueue.batchMs;
    lanes[lane] = sentAt;
    const size = Math.min(SEND_BATCH, accounts - batch * SEND_BATCH);
    for (let message = 0; message < size; message += 1) arrivals.push(sentAt);
  }
  return { listedAtMs, arrivals };
}

/**
 * One period, event by event: at each instant, start every waiting message the concurrency
 * limit allows (oldest first), then jump to the next instant something changes: a worker ends,
 * a message arrives, the limit rises, or the STS rate frees a call.
 */
export function simulatePeriod(period: OrganizationPeriod): PeriodOutcome {
  if (!Number.isInteger(period.maximumConcurrency) || period.maximumConcurrency < 1) {
    throw new RangeError(
      `maximumConcurrency must be a whole number >= 1, got ${period.maximumConcurrency}`,
    );
  }
  const { listedAtMs, arrivals } = messageArrivals(period);
  const order = arrivals
    .map((at, index) => ({ at, index }))
    .sort((a, b) => a.at - b.at || a.index - b.index);
  const firstArrival = order[0]?.at ?? 0;
  const stsSpacingMs = Math.ceil(1000 / period.stsRequestsPerSecond);
  const startedAtMs: number[] = new Array(period.accounts).fill(Number.NaN);
  const endedAtMs: number[] = new Array(period.accounts).fill(Number.NaN);
  let running: number[] = [];
  let next = 0;
  let nextStsCallAt = 0;
  let now = firstArrival;
  let peak = 0;
  while (next < order.length) {
    running = running.filter((end) => end > now);
    const limit = concurrencyLimit(period.scaling, period.maximumConcurrency, now - firstArrival);
    while (next < order.length && running.length < limit && (order[next]?.at ?? 0) <= now) {
      const { index } = order[next] as { index: number };
      next += 1;
      let begin = now;
      if (period.assumesRole(index)) {
        begin = Math.max(now, nextStsCallAt);
        nextStsCallAt = begin + stsSpacingMs;
        begin += period.assumeRoleMs;
      }
      const end = begin + period.checkMs(index);
      startedAtMs[index] = now;
      endedAtMs[index] = end;
      running.push(end);
    }
    peak = Math.max(peak, running.length);
    if (next >= order.length) break;
    const candidates = [
      ...running.filter((end) => end > now),
      ...((order[next]?.at ?? now) > now ? [order[next]?.at as number] : []),
    ];
    if (
      running.length >= limit &&
      limit < Math.min(period.scaling.cap, period.maximumConcurrency)
    ) {
      candidates.push(firstArrival + nextLimitRise(period.scaling, limit));
    }
    now = Math.min(...candidates);
  }
  const finishedAtMs = endedAtMs.reduce((latest, end) => Math.max(latest, end), 0);
  return {
    listedAtMs,
    enqueuedAtMs: arrivals.reduce((latest, at) => Math.max(latest, at), 0),
    finishedAtMs,
    peakConcurrency: peak,
    startedAtMs,
    endedAtMs,
  };
}

/** The least `maximumConcurrency` with which every account is checked within `periodMs`, if any. */
export function leastConcurrencyWithin(
  period: Omit<OrganizationPeriod, 'maximumConcurrency'>,
  periodMs: number,
): number | undefined {
  const fits = (maximumConcurrency: number) =>
    simulatePeriod({ ...period, maximumConcurrency }).finishedAtMs <= periodMs;
  let high = period.scaling.cap;
  if (!fits(high)) return undefined;
  let low = 1;
  // More concurrency never finishes later (the model is monotone in it): bisect.
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (fits(middle)) high = middle;
    else low = middle + 1;
  }
  return low;
}

/**
 * The published figures the model runs on, with where they come from. Where AWS publishes
 * none, the value is an assumption and says so.
 */
export const PUBLISHED = {
  eventSourceScaling: {
    value: { initial: 5, addedPerMinute: 300, cap: 1_000 },
    source:
      'https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html ("starts processing five batches at a time ... up to 300 more instances per minute ... 1,000"); maximumConcurrency 2 to 1000: https://docs.aws.amazon.com/lambda/latest/dg/API_ScalingConfig.html',
    asOf: "read 2026-12-01; the ramp went from 60 to 300 a minute on 2023-11-06 (AWS What's New)",
  },
  stsRequestsPerSecond: {
    value: 600,
    source:
      'AWS STS request quota, per account and Region (IAM User Guide, "IAM and AWS STS quotas"); quoted as 600/s in awslabs/mountpoint-s3#1358',
    asOf: '2025-04-10 (the quote); the AWS page could not be read from here',
  },
  organizationsListAccounts: {
    value: { pageSize: 20, pagesPerSecond: 1 },
    source:
      'pageSize: ListAccounts MaxResults max 20 (Organizations API model, botocore 2026-08). pagesPerSecond: an assumption, 1 a second: AWS publishes no Organizations request rate (Organizations quotas page; awsdocs/aws-organizations-docs#39, 2022-04-29)',
    asOf: '2026-12-01',
  },
} as const;
