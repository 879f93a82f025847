/** What every part of the benchmark runs against: the same regions, models, account and topic. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseWatchedModels } from '../src/config/load-config.ts';
import { ACCEPTED_CHECKS_PER_SECOND_PER_REGION } from '../src/config/run-capacity.ts';
import { resolveTargets, type WatchedConfig } from '../src/config/watched-config.ts';
import type { CheckTarget } from '../src/grants/types.ts';

export const PROJECT_ROOT = join(import.meta.dirname, '..');
export const ACCOUNT = '123456789012';
export const TOPIC_ARN = `arn:aws:sns:us-east-1:${ACCOUNT}:bedrock-access-monitor-bench-alerts`;
export const FUNCTION_ARN = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:bedrock-access-monitor-bench-monitor`;

/** Issue 5, part 1: 60 models x 12 regions, 25 ms a call, 10 calls a second per region. */
export const SCALE = {
  regions: [
    'us-east-1',
    'us-east-2',
    'us-west-2',
    'ca-central-1',
    'eu-central-1',
    'eu-west-1',
    'eu-west-2',
    'eu-west-3',
    'eu-north-1',
    'ap-northeast-1',
    'ap-southeast-2',
    'ap-south-1',
  ],
  models: Array.from(
    { length: 60 },
    (_, i) => `bench.model-${String(i + 1).padStart(2, '0')}-v1:0`,
  ),
  latencyMs: 25,
  // The rate `validate` assumes Bedrock accepts per region (src/config/run-capacity.ts).
  ratePerSecond: ACCEPTED_CHECKS_PER_SECOND_PER_REGION,
  burst: 10,
} as const;

/** The shipped config, whose pairs the default-config figures are about. */
export const DEFAULT_CONFIG_FILE = join(PROJECT_ROOT, 'config/watched-models.yml');

export async function loadDefaultConfig(): Promise<WatchedConfig> {
  return parseConfig(await readFile(DEFAULT_CONFIG_FILE, 'utf8'), DEFAULT_CONFIG_FILE);
}

/** A config watching `models` in `regions`, validated like any user's file. */
export function watchedConfigYaml(models: readonly string[], regions: readonly string[]): string {
  return `regions: [${regions.join(', ')}]\nmodels:\n${models.map((id) => `  - id: ${id}\n`).join('')}`;
}

export function parseConfig(text: string, file: string): WatchedConfig {
  const parsed = parseWatchedModels(text, file);
  if (!parsed.ok)
    throw new Error(`${file} is not a valid config: ${JSON.stringify(parsed.problems)}`);
  return parsed.config;
}

export function targetsOf(config: WatchedConfig): CheckTarget[] {
  return resolveTargets(config);
}

/**
 * A scenario where every model is ENABLED everywhere, each call takes `latencyMs`, and, with a
 * rate, each region answers ThrottlingException beyond `ratePerSecond` (token bucket of `burst`).
 */
export function scenarioYaml(options: {
  models: readonly string[];
  latencyMs: number;
  rate?: { ratePerSecond: number; burst: number };
}): string {
  const fault = options.rate
    ? `  - latencyMs: ${options.latencyMs}\n    throttle: { ratePerSecond: ${options.rate.ratePerSecond}, burst: ${options.rate.burst} }\n`
    : `  - latencyMs: ${options.latencyMs}\n`;
  return `account: "${ACCOUNT}"\ncatalog:\n${options.models.map((id) => `  - id: ${id}\n`).join('')}default: ENABLED\nfaults:\n${fault}`;
}

/**
 * The environment of every AWS SDK client the benchmark creates, in this process or a child:
 * fake credentials, no shared config files, no instance metadata, and the endpoints given.
 */
export function sdkEnvironment(endpoints: Record<string, string>): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: 'AKIDBENCHMARKBENCH',
    AWS_SECRET_ACCESS_KEY: 'bench-secret',
    AWS_REGION: 'us-east-1',
    AWS_CONFIG_FILE: join(PROJECT_ROOT, 'bench', 'no-such-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(PROJECT_ROOT, 'bench', 'no-such-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    // Node 20 here, Node 24 in Lambda: the SDK's one-time warning is noise in both timings.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...endpoints,
  };
}
