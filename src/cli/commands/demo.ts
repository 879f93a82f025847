import { MAX_ACCOUNTS, MIN_ACCOUNTS } from '../../demo/organization-scenario.ts';
import { runDemo } from '../../demo/run-demo.ts';
import { runOrganizationDemo } from '../../demo/run-organization-demo.ts';
import { UsageError } from '../../errors.ts';
import { ScenarioError } from '../../simulator/index.ts';
import { type CliIo, EXIT } from '../cli-io.ts';
import { rethrowAsFileProblem } from '../local-resources.ts';
import { parseIntegerOption, parseOptions } from '../parse-options.ts';

export const DEMO_HELP = `Usage: bedrock-access-monitor demo [options]

Runs the monitor's real check loop a dozen times against the built-in Bedrock simulator,
with a temporary state file, and prints every alert the way it will read. Needs no AWS
account and no network. The story: a model goes NOT_ENABLED -> IN_PROGRESS -> ENABLED
(ready), one odd answer is ignored, a revocation is confirmed by two answers (revoked), an
agreement fails (failed), a model is not offered in a region, and a region throttles and
recovers without a false alert.

With --accounts N: organization mode (docs/organization-mode.md) over an organization of N
accounts, the hub (its management account) included, for 4 runs. Each run lists the accounts
from the simulator's AWS Organizations and hands each account's work message straight to the
worker's check (AssumeRole through the simulator's STS, that account's Bedrock checks): no
queue runs locally, where the deployed monitor has SQS deliver them. One account's grant goes
IN_PROGRESS -> ENABLED (ready, for that account only); the "sandbox" account's member role
cannot be assumed (one account-unreachable, after confirmRevocation runs). It ends with the
per-account view of \`status --model ID --region R\`.

Options:
  --runs N            number of runs (default: 12; with --accounts, 4)
  --accounts N        organization mode over N accounts, ${MIN_ACCOUNTS} to ${MAX_ACCOUNTS}
  --scenario FILE     another simulator scenario (default: the bundled demo scenario)
  --config FILE       another watched-models file (default: the demo's)
  -h, --help          show this help`;

/** `demo`: the whole monitor against the simulator, no AWS account needed. */
export async function demoCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseOptions('demo', args, {
    runs: { type: 'string' },
    accounts: { type: 'string' },
    scenario: { type: 'string' },
    config: { type: 'string' },
  });
  if (values.help) {
    io.out(DEMO_HELP);
    return EXIT.ok;
  }
  if (values.accounts !== undefined) {
    if (values.scenario !== undefined || values.config !== undefined) {
      throw new UsageError(
        'demo --accounts builds its own organization and config; leave out --scenario and --config, or --accounts.',
      );
    }
    await runOrganizationDemo({
      io,
      accounts: parseIntegerOption('accounts', values.accounts, 0, MIN_ACCOUNTS, MAX_ACCOUNTS),
      runs: parseIntegerOption('runs', values.runs, 4, 1, 100),
    });
    return EXIT.ok;
  }
  const scenarioPath = values.scenario;
  await runDemo({
    io,
    runs: parseIntegerOption('runs', values.runs, 12, 1, 100),
    ...(scenarioPath === undefined ? {} : { scenarioPath }),
    ...(values.config === undefined ? {} : { configPath: values.config }),
  }).catch((error: unknown) => {
    if (!(error instanceof ScenarioError) || scenarioPath === undefined) throw error;
    rethrowAsFileProblem(error, {
      what: 'scenario file',
      path: scenarioPath,
      instead: "give the path of a scenario file, or leave out --scenario for the demo's own",
    });
  });
  return EXIT.ok;
}
