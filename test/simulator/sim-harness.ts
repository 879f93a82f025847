/**
 * Starts a simulator for one test and creates SDK clients pointed at it the way users do,
 * through AWS_ENDPOINT_URL_BEDROCK / AWS_ENDPOINT_URL_BEDROCK_RUNTIME / AWS_ENDPOINT_URL_STS.
 * Everything is closed when the test ends, so no socket keeps the worker alive.
 */
import { BedrockClient, type BedrockClientConfig } from '@aws-sdk/client-bedrock';
import {
  BedrockRuntimeClient,
  type BedrockRuntimeClientConfig,
} from '@aws-sdk/client-bedrock-runtime';
import { STSClient } from '@aws-sdk/client-sts';
import { onTestFinished, vi } from 'vitest';
import { parseScenario } from '../../src/simulator/scenario.ts';
import { type RunningSimulator, startSimulator } from '../../src/simulator/server.ts';

export const FAKE_CREDENTIALS = {
  accessKeyId: 'AKIDSIMULATORTEST',
  secretAccessKey: 'not-a-secret',
};

/** A clock the test moves by hand, in milliseconds. */
export function manualClock(startMs = 1_700_000_000_000) {
  let nowMs = startMs;
  return {
    now: () => nowMs,
    advanceSeconds(seconds: number) {
      nowMs += seconds * 1000;
    },
  };
}

export async function startTestSimulator(
  scenarioYaml: string,
  clock?: () => number,
): Promise<RunningSimulator> {
  const scenario = parseScenario(scenarioYaml, 'test-scenario.yml');
  const simulator = await startSimulator({ scenario, ...(clock ? { clock } : {}) });
  onTestFinished(() => simulator.close());
  return simulator;
}

/** A plain BedrockClient for `region`; one attempt unless the test asks for retries. */
export function bedrockClient(
  simulator: RunningSimulator,
  region: string,
  config: Partial<BedrockClientConfig> = {},
): BedrockClient {
  vi.stubEnv('AWS_ENDPOINT_URL_BEDROCK', simulator.url);
  const client = new BedrockClient({
    region,
    credentials: FAKE_CREDENTIALS,
    maxAttempts: 1,
    ...config,
  });
  onTestFinished(() => {
    client.destroy();
    vi.unstubAllEnvs();
  });
  return client;
}

/** A plain BedrockRuntimeClient (HTTP/2) for `region`; one attempt unless the test asks. */
export function runtimeClient(
  simulator: RunningSimulator,
  region: string,
  config: Partial<BedrockRuntimeClientConfig> = {},
): BedrockRuntimeClient {
  vi.stubEnv('AWS_ENDPOINT_URL_BEDROCK_RUNTIME', simulator.url);
  const client = new BedrockRuntimeClient({
    region,
    credentials: FAKE_CREDENTIALS,
    maxAttempts: 1,
    ...config,
  });
  onTestFinished(() => {
    client.destroy();
    vi.unstubAllEnvs();
  });
  return client;
}

export function stsClient(simulator: RunningSimulator, region: string): STSClient {
  vi.stubEnv('AWS_ENDPOINT_URL_STS', simulator.url);
  const client = new STSClient({ region, credentials: FAKE_CREDENTIALS, maxAttempts: 1 });
  onTestFinished(() => {
    client.destroy();
    vi.unstubAllEnvs();
  });
  return client;
}

/** What the SDK's errors carry besides name and message. */
export interface SdkError extends Error {
  $metadata: { httpStatusCode?: number; requestId?: string; attempts?: number };
  $fault?: 'client' | 'server';
}

/** The error a promise rejects with; fails the test if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<SdkError> {
  try {
    await promise;
  } catch (error) {
    return error as SdkError;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** Signs nothing: a raw request for checking what the wire carries. */
export function signedHeaders(region: string, service = 'bedrock'): Record<string, string> {
  return {
    authorization: `AWS4-HMAC-SHA256 Credential=AKIDSIMULATORTEST/20261124/${region}/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=0000`,
  };
}

/** An SDK output without `$metadata`, to compare with the wire shape. */
export function withoutMetadata<T extends { $metadata?: unknown }>(
  output: T,
): Omit<T, '$metadata'> {
  const { $metadata: _metadata, ...rest } = output;
  return rest;
}
