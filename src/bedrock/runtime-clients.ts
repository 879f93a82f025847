import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { perRegion } from './per-region.ts';

export type RuntimeClientForRegion = (region: string) => BedrockRuntimeClient;

/**
 * One BedrockRuntimeClient per region, created on first use and reused. Few attempts: a
 * verification call is billed, and one that fails for a lasting cause fails again.
 */
export function createRuntimeClientCache(options: {
  requestTimeoutMs: number;
  endpoint?: string;
}): RuntimeClientForRegion {
  return perRegion(
    (region) =>
      new BedrockRuntimeClient({
        region,
        maxAttempts: 2,
        requestHandler: { requestTimeout: options.requestTimeoutMs },
        ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
      }),
  );
}
