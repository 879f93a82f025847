import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';

export type RuntimeClientForRegion = (region: string) => BedrockRuntimeClient;

/**
 * One BedrockRuntimeClient per region, created on first use and reused. Few attempts: a
 * verification call is billed, and one that fails for a lasting cause fails again.
 */
export function createRuntimeClientCache(options: {
  requestTimeoutMs: number;
  endpoint?: string;
}): RuntimeClientForRegion {
  const clients = new Map<string, BedrockRuntimeClient>();
  return (region) => {
    let client = clients.get(region);
    if (client === undefined) {
      client = new BedrockRuntimeClient({
        region,
        maxAttempts: 2,
        requestHandler: { requestTimeout: options.requestTimeoutMs },
        ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
      });
      clients.set(region, client);
    }
    return client;
  };
}
