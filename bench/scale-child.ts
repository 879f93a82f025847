/**
 * Child process of the scale benchmark (bundled by bench/bundle.ts, run by plain node): one
 * run of 720 checks, so its peak RSS and its adaptive-retry state are its own.
 */
import { BedrockClient, GetFoundationModelAvailabilityCommand } from '@aws-sdk/client-bedrock';
import {
  type BedrockAvailabilityOptions,
  createBedrockAvailabilitySource,
} from '../src/bedrock/availability-source.ts';
import { createBedrockClientCache } from '../src/bedrock/bedrock-clients.ts';
import { perRegion } from '../src/bedrock/per-region.ts';
import {
  type ChildReply,
  LIMITER_SAMPLE_MS,
  type LimiterSample,
  type RegionTrace,
  type ScaleJob,
  type ScaleResult,
} from './child-protocol.ts';

process.once('message', (job: ScaleJob) => {
  run(job).then(
    (result) => reply({ ok: true, result }),
    (error: unknown) => reply({ ok: false, error: String((error as Error)?.stack ?? error) }),
  );
});

function reply(message: ChildReply<ScaleResult>): void {
  process.send?.(message, () => process.exit(0));
}

async function run(job: ScaleJob): Promise<ScaleResult> {
  const rssBeforeKib = Math.round(process.memoryUsage.rss() / 1024);
  const cpuBefore = process.cpuUsage();
  const startedAt = performance.now();
  const { failures, regions } =
    job.variant === 'sequential'
      ? { failures: await sequential(job), regions: {} }
      : await viaSource(job, job.variant, () => Math.round(performance.now() - startedAt));
  const wallMs = performance.now() - startedAt;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    checks: job.targets.length,
    unknown: Object.values(failures).reduce((sum, count) => sum + count, 0),
    failures,
    rssBeforeKib,
    maxRssKib: process.resourceUsage().maxRSS,
    regions,
  };
}

/** Failed checks by failure kind, and what each region's client did. */
async function viaSource(
  job: ScaleJob,
  variant: 'handler' | 'sdk-default-limiter',
  elapsedMs: () => number,
): Promise<{ failures: Record<string, number>; regions: Record<string, RegionTrace> }> {
  const { settings } = job;
  const clientForRegion: BedrockAvailabilityOptions['clientForRegion'] =
    variant === 'handler'
      ? createBedrockClientCache({
          requestTimeoutMs: settings.requestTimeoutMs,
          maxAttempts: settings.maxAttempts,
        })
      : sdkDefaultLimiterClientCache(settings.requestTimeoutMs, settings.maxAttempts);
  const source = createBedrockAvailabilitySource({
    clientForRegion,
    concurrencyPerRegion: settings.concurrencyPerRegion,
  });
  // Each region's client, created here rather than on its first call (the cache is the same),
  // so its retry strategy can be observed from the start.
  const regions: Record<string, RegionTrace> = {};
  const limiters: Array<[LimiterSample[], DefaultRateLimiterState]> = [];
  for (const region of new Set(job.targets.map((target) => target.region))) {
    const strategy = await retryStrategyOf(clientForRegion(region));
    const trace: RegionTrace = { backoffMs: [] };
    recordBackoffs(strategy, trace.backoffMs);
    const limiter = variant === 'sdk-default-limiter' ? defaultRateLimiterOf(strategy) : undefined;
    if (limiter !== undefined) {
      trace.limiter = [];
      limiters.push([trace.limiter, limiter]);
    }
    regions[region] = trace;
  }
  const sampler =
    limiters.length === 0
      ? undefined
      : setInterval(() => {
          const atMs = elapsedMs();
          for (const [samples, limiter] of limiters) {
            samples.push({ atMs, enabled: limiter.enabled, fillRate: limiter.fillRate });
          }
        }, LIMITER_SAMPLE_MS);
  const outcomes = await source.check(job.targets, Date.now() + settings.checkBudgetMs);
  clearInterval(sampler);
  const failures: Record<string, number> = {};
  for (const outcome of outcomes) {
    if (!outcome.ok) failures[outcome.kind] = (failures[outcome.kind] ?? 0) + 1;
  }
  return { failures, regions };
}

/** The parts of the SDK's AdaptiveRetryStrategy the trace reads; checked before use. */
interface ObservedStrategy {
  rateLimiter?: unknown;
  standardRetryStrategy?: {
    retryBackoffStrategy?: { computeNextBackoffDelay?: (retries: number) => number };
  };
}

interface DefaultRateLimiterState {
  enabled: boolean;
  fillRate: number;
}

async function retryStrategyOf(client: BedrockClient): Promise<ObservedStrategy> {
  return (await client.config.retryStrategy()) as ObservedStrategy;
}

/**
 * Records the delay of every retry the strategy waits before (the SDK draws it from its
 * backoff: random x min(base x 2^retries, 20 s), base 1 s for a throttle), by wrapping the
 * backoff's one method; the delay itself is left as the SDK computed it.
 */
function recordBackoffs(strategy: ObservedStrategy, delays: number[]): void {
  const backoff = strategy.standardRetryStrategy?.retryBackoffStrategy;
  const compute = backoff?.computeNextBackoffDelay;
  if (backoff === undefined || compute === undefined) {
    throw new Error(
      'the SDK retry strategy no longer has standardRetryStrategy.retryBackoffStrategy',
    );
  }
  backoff.computeNextBackoffDelay = (retries) => {
    const delay = compute.call(backoff, retries);
    delays.push(delay);
    return delay;
  };
}

/**
 * The SDK's DefaultRateLimiter inside the adaptive retry strategy, read for the trace only;
 * undefined if the SDK no longer has one there.
 */
function defaultRateLimiterOf(strategy: ObservedStrategy): DefaultRateLimiterState | undefined {
  const limiter = strategy.rateLimiter as { enabled?: unknown; fillRate?: unknown } | undefined;
  if (typeof limiter?.enabled !== 'boolean' || typeof limiter.fillRate !== 'number')
    return undefined;
  return limiter as DefaultRateLimiterState;
}

/**
 * src/bedrock/bedrock-clients.ts as it was before AcceptedRateLimiter: the SDK's adaptive retry
 * mode, which builds its AdaptiveRetryStrategy with the SDK's DefaultRateLimiter.
 */
function sdkDefaultLimiterClientCache(requestTimeoutMs: number, maxAttempts: number) {
  return perRegion(
    (region) =>
      new BedrockClient({
        region,
        retryMode: 'adaptive',
        maxAttempts,
        requestHandler: { requestTimeout: requestTimeoutMs, connectionTimeout: requestTimeoutMs },
      }),
  );
}

/**
 * The plain loop: the same calls, one at a time, one client per region with the SDK's default
 * settings (standard retry, 3 attempts). Failed calls by error name.
 */
async function sequential(job: ScaleJob): Promise<Record<string, number>> {
  const clients = new Map<string, BedrockClient>();
  const failures: Record<string, number> = {};
  for (const { region, modelId } of job.targets) {
    let client = clients.get(region);
    if (client === undefined) {
      client = new BedrockClient({ region });
      clients.set(region, client);
    }
    try {
      await client.send(new GetFoundationModelAvailabilityCommand({ modelId }));
    } catch (error) {
      const name = (error as Error).name;
      failures[name] = (failures[name] ?? 0) + 1;
    }
  }
  return failures;
}
