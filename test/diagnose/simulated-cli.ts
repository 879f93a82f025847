/**
 * A simulator for one test, and the standard SDK variables pointing every client at it
 * (AWS_ENDPOINT_URL_BEDROCK, _BEDROCK_RUNTIME and _STS), as a user would set them. The
 * variables are restored and the simulator closed when the test ends.
 */
import { onTestFinished, vi } from 'vitest';
import type { CliIo } from '../../src/cli/cli-io.ts';
import { parseScenario, type RunningSimulator, startSimulator } from '../../src/simulator/index.ts';

export const CLAUDE = 'anthropic.claude-3-sonnet-20240229-v1:0';
export const TITAN = 'amazon.titan-text-express-v1';
export const LLAMA = 'meta.llama3-8b-instruct-v1:0';
export const MISTRAL = 'mistral.mistral-large-2402-v1:0';
export const CALLER = 'arn:aws:sts::123456789012:assumed-role/Diagnose/test';

/** A scenario with the usual catalog; `extra` adds top-level keys (grants, faults, ...). */
export function scenario(extra = ''): string {
  return `account: "123456789012"
callerArn: ${CALLER}
catalog:
  - id: ${CLAUDE}
  - id: ${TITAN}
  - id: ${LLAMA}
    lifecycle: LEGACY
  - id: ${MISTRAL}
    regions: [us-west-2]
default: ENABLED
${extra}`;
}

/** Starts the simulator and points the SDK at it for the rest of the test. */
export async function simulatedAws(
  scenarioYaml: string,
  clock?: () => number,
): Promise<RunningSimulator> {
  const simulator = await startSimulator({
    scenario: parseScenario(scenarioYaml, 'test-scenario.yml'),
    ...(clock === undefined ? {} : { clock }),
  });
  const env: Record<string, string> = {
    ...simulator.endpointEnv,
    AWS_ACCESS_KEY_ID: 'AKIATESTTESTTEST',
    AWS_SECRET_ACCESS_KEY: 'test-secret',
    AWS_REGION: 'us-east-1',
  };
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  onTestFinished(async () => {
    vi.unstubAllEnvs();
    await simulator.close();
  });
  return simulator;
}

export interface CapturedIo extends CliIo {
  stdout: string[];
  stderr: string[];
}

/** A CliIo that keeps what a user would see. */
export function capturedIo(interactive = false): CapturedIo {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (text) => stdout.push(text),
    err: (text) => stderr.push(text),
    interactive,
  };
}

/** How many requests of `operation` the simulator answered in `region`. */
export function requestsOf(
  simulator: RunningSimulator,
  operation: string,
  region = 'us-east-1',
): number {
  const counts = simulator.stats().regions[region] as
    | Record<string, { requests: number } | undefined>
    | undefined;
  return counts?.[operation]?.requests ?? 0;
}
