/** Messages between the benchmark and the child processes it forks (bundled, plain node). */
import type { CheckTarget } from '../src/grants/types.ts';
import type { LambdaBedrockSettings } from './lambda-settings.ts';

/** How the scale child calls Bedrock. */
export type ScaleVariant =
  /**
   * The handler's availability source and client cache (src/bedrock/bedrock-clients.ts: the SDK's
   * AdaptiveRetryStrategy with AcceptedRateLimiter), with the handler's settings.
   */
  | 'handler'
  /**
   * The same source and settings with the SDK's own `retryMode: 'adaptive'` (its
   * DefaultRateLimiter): the client cache as it was before AcceptedRateLimiter, for comparison.
   */
  | 'sdk-default-limiter'
  /** One BedrockClient per region with the SDK's defaults, one call at a time. */
  | 'sequential';

export interface ScaleJob {
  variant: ScaleVariant;
  targets: CheckTarget[];
  settings: LambdaBedrockSettings;
}

export interface ScaleResult {
  wallMs: number;
  cpuMs: number;
  checks: number;
  unknown: number;
  /** Why checks failed, by failure kind (throttled, timeout, ...). */
  failures: Record<string, number>;
  /** KiB: after the imports, before the run; and the process's peak. */
  rssBeforeKib: number;
  maxRssKib: number;
  /** What each region's client did (not for the sequential loop). */
  regions: Record<string, RegionTrace>;
}

/** How often the child samples the SDK's DefaultRateLimiter. */
export const LIMITER_SAMPLE_MS = 100;

export interface RegionTrace {
  /** The delay before each retry, in ms, as the SDK's backoff drew it. */
  backoffMs: number[];
  /** The SDK's DefaultRateLimiter of the region's client, sampled (sdk-default-limiter only). */
  limiter?: LimiterSample[];
}

export interface LimiterSample {
  /** Milliseconds since the run started. */
  atMs: number;
  /** Whether the limiter paces requests at all (it starts at the first throttle). */
  enabled: boolean;
  /** Requests per second it lets through. */
  fillRate: number;
}

export interface HandlerJob {
  /** The deployed handler bundle. */
  bundle: string;
  functionArn: string;
  remainingMs: number;
  /** One invocation per event, in order, in the one process (a warm container after the first). */
  events: unknown[];
}

export interface InvocationResult {
  wallMs: number;
  cpuMs: number;
  /** The accounts the invocation checked: its "Run summary" log lines (one per account). */
  runs: number;
  /** Summed over those runs. */
  checks: number;
  unknown: number;
  transitions: number;
  published: number;
  /** Messages the worker returned in batchItemFailures (0 for the scheduled handler). */
  failedMessages: number;
  /** What the handler wrote to stdout (its log lines and the EMF metrics): bytes and lines. */
  logBytes: number;
  logLines: number;
  /** The messages of the structured lines, in order ("Run summary", "" for the EMF blob). */
  logMessages: string[];
}

export interface HandlerResult {
  importMs: number;
  importCpuMs: number;
  invocations: InvocationResult[];
  maxRssKib: number;
}

export type ChildReply<T> = { ok: true; result: T } | { ok: false; error: string };
