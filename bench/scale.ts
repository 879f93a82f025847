/**
 * Part 1, scale: 720 checks against a rate-limited simulator, each run in a fresh child process
 * (bench/scale-child.ts) with a fresh simulator, so no run inherits another's token buckets or
 * the SDK's adaptive-retry state. Also part 4's first figure: the peak RSS of those runs.
 */
import { parseScenario, startSimulator } from '../src/simulator/index.ts';
import { runChild } from './bundle.ts';
import {
  LIMITER_SAMPLE_MS,
  type LimiterSample,
  type RegionTrace,
  type ScaleJob,
  type ScaleResult,
  type ScaleVariant,
} from './child-protocol.ts';
import { SCALE, scenarioYaml, sdkEnvironment } from './fixtures.ts';
import type { LambdaBedrockSettings } from './lambda-settings.ts';
import { median, round } from './stats.ts';

export interface ScaleRun {
  variant: ScaleVariant;
  repetition: number;
  wallMs: number;
  ratio: number;
  unknown: number;
  failures: Record<string, number>;
  requests: number;
  throttled: number;
  /** Throttled answers in the region that throttled most. */
  maxThrottledInRegion: number;
  cpuMs: number;
  rssBeforeMib: number;
  maxRssMib: number;
  evidence: RunEvidence;
}

/**
 * Why a run took as long as it did, seen from the region that finished last (the one that set
 * the run's wall time). Times are since the run's first request, as the simulator saw it
 * (sampled every 50 ms).
 */
export interface RunEvidence {
  region: string;
  /** When that region got its last successful answer. */
  lastSuccessAtMs: number;
  /** Throttled answers the simulator gave that region. */
  throttled: number;
  /** Successful answers the simulator gave that region, and what its rate would allow. */
  successesAfter: Array<{ seconds: number; successes: number; allowed: number }>;
  /**
   * The retries of that region's client and the delays the SDK's backoff drew for them
   * (random x min(1 s x 2^retries, 20 s) after a throttle). Not for the sequential loop.
   */
  retries?: { count: number; totalBackoffMs: number; maxBackoffMs: number };
  /**
   * The SDK's DefaultRateLimiter of that region's client (the sdk-default-limiter variant only:
   * AcceptedRateLimiter keeps its state private).
   */
  limiter?: {
    enabledAtMs: number | null;
    minFillRate: number;
    /** How long it let through less than half the region's rate. */
    msBelowHalfRate: number;
    fillRateAfter: Array<{ seconds: number; fillRate: number }>;
  };
}

export interface ScaleSummary {
  variant: ScaleVariant;
  runs: number;
  medianWallMs: number;
  medianRatio: number;
  minRatio: number;
  maxRatio: number;
  /** The most UNKNOWN results of any run. */
  unknown: number;
  medianThrottled: number;
  maxRssMib: number;
}

export interface ScaleReport {
  models: number;
  regions: number;
  checks: number;
  latencyMs: number;
  ratePerSecond: number;
  burst: number;
  /** The slowest region's calls divided by its rate (the burst is not subtracted). */
  lowerBoundMs: number;
  settings: LambdaBedrockSettings;
  runs: ScaleRun[];
  summaries: ScaleSummary[];
}

/**
 * `repetitions` runs of the handler's settings and of the SDK's default limiter, interleaved so
 * they share the machine's noise, then one sequential run.
 */
export async function measureScale(options: {
  childBundle: string;
  settings: LambdaBedrockSettings;
  repetitions: number;
  progress: (line: string) => void;
}): Promise<ScaleReport> {
  const targets = SCALE.models.flatMap((modelId) =>
    SCALE.regions.map((region) => ({ region, modelId })),
  );
  const callsPerRegion = Math.max(
    ...SCALE.regions.map((region) => targets.filter((target) => target.region === region).length),
  );
  const lowerBoundMs = (callsPerRegion / SCALE.ratePerSecond) * 1000;
  const plan: Array<[ScaleVariant, number]> = [];
  for (let repetition = 1; repetition <= options.repetitions; repetition += 1) {
    plan.push(['handler', repetition], ['sdk-default-limiter', repetition]);
  }
  plan.push(['sequential', 1]);

  const runs: ScaleRun[] = [];
  for (const [variant, repetition] of plan) {
    const simulator = await startSimulator({
      scenario: parseScenario(
        scenarioYaml({
          models: SCALE.models,
          latencyMs: SCALE.latencyMs,
          rate: { ratePerSecond: SCALE.ratePerSecond, burst: SCALE.burst },
        }),
        'bench-scale.yml',
      ),
    });
    const timeline = new Map<string, RegionPoint[]>();
    let firstRequestAt: number | undefined;
    const sample = () => {
      const regions = Object.entries(simulator.stats().regions);
      if (regions.length === 0) return;
      firstRequestAt ??= performance.now();
      const atMs = performance.now() - firstRequestAt;
      for (const [region, operations] of regions) {
        const counts = operations.GetFoundationModelAvailability;
        if (counts === undefined) continue;
        const points = timeline.get(region) ?? [];
        points.push({ atMs, successes: counts.successes, throttled: counts.throttled });
        timeline.set(region, points);
      }
    };
    const poller = setInterval(sample, 50);
    try {
      const job: ScaleJob = { variant, targets, settings: options.settings };
      const result = await runChild<ScaleJob, ScaleResult>(
        options.childBundle,
        job,
        sdkEnvironment({ AWS_ENDPOINT_URL_BEDROCK: simulator.url }),
      );
      clearInterval(poller);
      sample();
      const stats = simulator.stats();
      const perRegion = Object.values(stats.regions).map(
        (operations) => operations.GetFoundationModelAvailability?.throttled ?? 0,
      );
      const run: ScaleRun = {
        variant,
        repetition,
        wallMs: round(result.wallMs),
        ratio: round(result.wallMs / lowerBoundMs, 3),
        unknown: result.unknown,
        failures: result.failures,
        requests: stats.total.requests,
        throttled: stats.total.throttled,
        maxThrottledInRegion: Math.max(0, ...perRegion),
        cpuMs: round(result.cpuMs),
        rssBeforeMib: round(result.rssBeforeKib / 1024, 1),
        maxRssMib: round(result.maxRssKib / 1024, 1),
        evidence: evidenceOf(timeline, result.regions, lowerBoundMs),
      };
      runs.push(run);
      options.progress(
        `scale ${variant} #${repetition}: ${run.wallMs} ms, ratio ${run.ratio}, ${run.unknown} UNKNOWN, ${run.throttled} throttled; ${run.evidence.region} last, at ${round(run.evidence.lastSuccessAtMs)} ms`,
      );
    } finally {
      clearInterval(poller);
      await simulator.close();
    }
  }

  const summaries = (['handler', 'sdk-default-limiter', 'sequential'] as const).map((variant) =>
    summarize(
      variant,
      runs.filter((run) => run.variant === variant),
    ),
  );
  return {
    models: SCALE.models.length,
    regions: SCALE.regions.length,
    checks: targets.length,
    latencyMs: SCALE.latencyMs,
    ratePerSecond: SCALE.ratePerSecond,
    burst: SCALE.burst,
    lowerBoundMs,
    settings: options.settings,
    runs,
    summaries,
  };
}

interface RegionPoint {
  atMs: number;
  successes: number;
  throttled: number;
}

/** The region whose last success came last, and what its client did. */
function evidenceOf(
  timeline: Map<string, RegionPoint[]>,
  traces: Record<string, RegionTrace>,
  lowerBoundMs: number,
): RunEvidence {
  const lastSuccess = [...timeline].map(([region, points]) => {
    const final = points.at(-1) as RegionPoint;
    const reached = points.find((point) => point.successes === final.successes) as RegionPoint;
    return { region, atMs: reached.atMs, throttled: final.throttled, points };
  });
  const slowest = lastSuccess.sort((a, b) => b.atMs - a.atMs)[0];
  if (slowest === undefined) throw new Error('the simulator saw no request');
  const trace = traces[slowest.region];
  const backoffs = trace?.backoffMs ?? [];
  const seconds = Array.from({ length: Math.ceil(lowerBoundMs / 1000) }, (_, i) => i + 1);
  return {
    region: slowest.region,
    lastSuccessAtMs: round(slowest.atMs),
    throttled: slowest.throttled,
    successesAfter: seconds.map((second) => ({
      seconds: second,
      successes: slowest.points.findLast((point) => point.atMs <= second * 1000)?.successes ?? 0,
      allowed: SCALE.burst + SCALE.ratePerSecond * second,
    })),
    ...(trace === undefined
      ? {}
      : {
          retries: {
            count: backoffs.length,
            totalBackoffMs: round(backoffs.reduce((total, delay) => total + delay, 0)),
            maxBackoffMs: Math.max(0, ...backoffs),
          },
        }),
    ...(trace?.limiter ? { limiter: summarizeLimiter(trace.limiter) } : {}),
  };
}

function summarizeLimiter(trace: LimiterSample[]): NonNullable<RunEvidence['limiter']> {
  const enabled = trace.filter((sample) => sample.enabled);
  return {
    enabledAtMs: enabled[0]?.atMs ?? null,
    minFillRate: round(Math.min(...enabled.map((sample) => sample.fillRate)), 2),
    msBelowHalfRate:
      enabled.filter((sample) => sample.fillRate < SCALE.ratePerSecond / 2).length *
      LIMITER_SAMPLE_MS,
    fillRateAfter: [1, 2, 3, 4].map((seconds) => ({
      seconds,
      fillRate: round(
        trace.findLast((sample) => sample.atMs <= seconds * 1000)?.fillRate ?? Number.NaN,
        2,
      ),
    })),
  };
}

function summarize(variant: ScaleVariant, runs: ScaleRun[]): ScaleSummary {
  const ratios = runs.map((run) => run.ratio);
  return {
    variant,
    runs: runs.length,
    medianWallMs: round(median(runs.map((run) => run.wallMs))),
    medianRatio: round(median(ratios), 3),
    minRatio: Math.min(...ratios),
    maxRatio: Math.max(...ratios),
    unknown: Math.max(...runs.map((run) => run.unknown)),
    medianThrottled: median(runs.map((run) => run.throttled)),
    maxRssMib: Math.max(...runs.map((run) => run.maxRssMib)),
  };
}
