import { BedrockClient, type BedrockClientConfig } from '@aws-sdk/client-bedrock';
import { AdaptiveRetryStrategy } from '@smithy/core/retry';
import { AcceptedRateLimiter } from './accepted-rate-limiter.ts';
import { perRegion } from './per-region.ts';

export interface BedrockClientOptions {
  /** Per-attempt timeout; the SDK retries a timed-out attempt like any transient error. */
  requestTimeoutMs: number;
  /** Attempts per call, including the first (the SDK's adaptive retry strategy). */
  maxAttempts: number;
  credentials?: BedrockClientConfig['credentials'];
  /** Set only by the demo for its own simulator; otherwise the SDK resolves the endpoint. */
  endpoint?: string;
}

export type BedrockClientForRegion = (region: string) => BedrockClient;

/**
 * One BedrockClient per region, created on first use and reused, so connections and the
 * adaptive retry's per-client rate limiter live across calls (and Lambda invocations).
 * The endpoint is left to the SDK (AWS_ENDPOINT_URL_BEDROCK included) unless the demo sets it.
 */
export function createBedrockClientCache(
  options: BedrockClientOptions,
): BedrockClientForRegion & { destroy(): void } {
  const forRegion = perRegion(
    (region) =>
      new BedrockClient({
        region,
        // The SDK's adaptive retry, with a limiter that does not collapse on a new client's
        // first throttle (see accepted-rate-limiter.ts).
        retryStrategy: new AdaptiveRetryStrategy(options.maxAttempts, {
          rateLimiter: new AcceptedRateLimiter(),
        }),
        requestHandler: {
          requestTimeout: options.requestTimeoutMs,
          connectionTimeout: options.requestTimeoutMs,
        },
        ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
        ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
      }),
  );
  return Object.assign(forRegion, {
    /** Closes every client's connections; the cache is not used after. */
    destroy: () => {
      for (const client of forRegion.created()) client.destroy();
    },
  });
}
