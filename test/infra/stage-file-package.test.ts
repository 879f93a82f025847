import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CfnTemplate,
  conditionHolds,
  readTemplate,
  resource,
} from './support/cfn-template.ts';
import {
  copyProject,
  OSLS_BIN,
  offlineEnvironment,
  type PackageRun,
  packageStack,
  removeDirectory,
} from './support/serverless-package.ts';

// What a user commits for the stage: the region and both subscriptions.
const STAGE = `region: eu-west-1
alertEmail: ops@example.com
slackWorkspaceId: T0123456789
slackChannelId: C0123456789
`;

/** What a redeploy would send of the subscriptions and the region: the same, every time. */
function subscriptions(template: CfnTemplate) {
  return {
    email: conditionHolds(template, 'HasAlertEmail')
      ? resource(template, 'AlertEmailSubscription').Properties?.Endpoint
      : null,
    slack: conditionHolds(template, 'HasSlackChannel')
      ? {
          workspace: resource(template, 'SlackChannel').Properties?.SlackWorkspaceId,
          channel: resource(template, 'SlackChannel').Properties?.SlackChannelId,
        }
      : null,
    functionRole: JSON.stringify(template.Resources.IamRoleLambdaExecution?.Properties),
  };
}

/** `serverless deploy` offline, with no AWS credentials: only what happens before AWS counts. */
function deployOffline(
  projectDir: string,
  args: string[],
): Promise<{ code: number | null; output: string }> {
  const home = join(projectDir, '.home');
  mkdirSync(home, { recursive: true });
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [OSLS_BIN, 'deploy', ...args], {
      cwd: projectDir,
      env: offlineEnvironment(home),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

let project = '';
let first: PackageRun;
let second: PackageRun;

beforeAll(async () => {
  project = copyProject();
  mkdirSync(join(project, 'stages'), { recursive: true });
  // The default stage, dev: packaged twice with no option at all, as a deploy and a redeploy.
  writeFileSync(join(project, 'stages', 'dev.yml'), STAGE);
  first = await packageStack(project);
  second = await packageStack(project);
  for (const run of [first, second]) {
    if (run.code !== 0) throw new Error(`serverless package failed:\n${run.output}`);
  }
}, 300_000);

afterAll(() => removeDirectory(project));

describe('the settings file of a stage', () => {
  it('gives a redeploy the same subscriptions and region as the first deploy', () => {
    const before = subscriptions(readTemplate(first.outDir));
    const after = subscriptions(readTemplate(second.outDir));

    expect(before).toMatchObject({
      email: 'ops@example.com',
      slack: { workspace: 'T0123456789', channel: 'C0123456789' },
    });
    expect(before.functionRole).toContain(':log-group:/aws/lambda/bedrock-access-monitor-dev');
    expect(after).toEqual(before);
    expect(first.output).toContain('for stage dev (eu-west-1)');
  });

  it('is required by serverless deploy, which refuses to drop the subscriptions before any AWS call', async () => {
    writeFileSync(join(project, 'stages', 'staging.yml'), 'region: eu-west-1\n');

    const run = await deployOffline(project, [
      '--stage',
      'staging',
      '--param=alertEmail=ops@example.com',
    ]);

    expect(run.code).not.toBe(0);
    expect(run.output).toContain('Nothing was deployed:');
    expect(run.output).toContain(
      '--param alertEmail: a deploy takes its settings from stages/staging.yml only',
    );
    expect(run.output).toContain('stages/staging.yml subscribes nobody to the alerts');
    expect(run.output).not.toMatch(/credentials|Packaging/i);
  }, 120_000);
});
