import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CliIo } from '../../src/cli/cli-io.ts';
import { main } from '../../src/cli.ts';
import { parseScenario, type RunningSimulator, startSimulator } from '../../src/simulator/index.ts';
import { temporaryDirectory } from './fixtures.ts';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in this process, capturing what a user would see. */
export async function runCli(args: string[]): Promise<CliResult> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const io: CliIo = {
    out: (text) => stdout.push(text),
    err: (text) => stderr.push(text),
    interactive: false,
  };
  const code = await main(args, io);
  return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
}

const BIN = new URL('../../bin/bedrock-access-monitor.js', import.meta.url).pathname;

/** Runs the real executable in a child process with exactly the given environment. */
export function runBin(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/**
 * The environment of a person whose AWS setup lives in `home` only: `~/.aws/config` and
 * `~/.aws/credentials` there (whether or not the test writes them), no instance metadata, and
 * the SDK's Node-version warning silenced; `variables` adds the rest (AWS_PROFILE, endpoints).
 */
export function isolatedAwsEnvironment(
  home: string,
  variables: Record<string, string> = {},
): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    AWS_CONFIG_FILE: join(home, '.aws', 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    NODE_NO_WARNINGS: '1',
    ...variables,
  };
}

export interface SimulatedAccount {
  simulator: RunningSimulator;
  dir: string;
  configPath: string;
  statePath: string;
  /** `check` against the simulator, with JSON output parsed. */
  check(extraArgs?: string[]): Promise<CliResult & { json: CheckJson }>;
  close(): Promise<void>;
}

export interface CheckJson {
  account: string;
  checks: number;
  states: Record<string, number>;
  transitions: Array<{
    kind: string;
    region: string;
    modelId: string;
    from: string | null;
    to: string;
  }>;
  failures: Array<{
    region: string;
    modelId: string;
    kind: string;
    errorName: string | null;
    message: string;
  }>;
  pairs: Array<{
    region: string;
    modelId: string;
    state: string;
    storedState: string | null;
    lifecycle: { status: string; endOfLifeTime: string | null } | null;
  }>;
  unknownModels: Array<{ modelId: string; suggestions: string[] }>;
  stateFile: string;
}

/**
 * A simulator playing `scenarioYaml`, a config file, a state file, and the standard SDK
 * variables pointing at the simulator, as a user would set them.
 */
export async function simulatedAccount(
  scenarioYaml: string,
  configYaml: string,
): Promise<SimulatedAccount> {
  const dir = await temporaryDirectory();
  const simulator = await startSimulator({ scenario: parseScenario(scenarioYaml, 'scenario.yml') });
  const configPath = join(dir.path, 'watched-models.yml');
  const statePath = join(dir.path, 'state.json');
  await writeFile(configPath, configYaml);
  const saved = { ...process.env };
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_BEDROCK: simulator.url,
    AWS_ENDPOINT_URL_STS: simulator.url,
    AWS_ACCESS_KEY_ID: 'AKIATESTTESTTEST',
    AWS_SECRET_ACCESS_KEY: 'test-secret',
    AWS_REGION: 'us-east-1',
  });
  return {
    simulator,
    dir: dir.path,
    configPath,
    statePath,
    async check(extraArgs = []) {
      const result = await runCli([
        'check',
        '--json',
        '--config',
        configPath,
        '--state',
        statePath,
        ...extraArgs,
      ]);
      return { ...result, json: JSON.parse(result.stdout) as CheckJson };
    },
    async close() {
      process.env = saved;
      await simulator.close();
      await dir.remove();
    },
  };
}
