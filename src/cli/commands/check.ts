import { resolveCallerAccount } from '../../aws/caller-account.ts';
import { loadWatchedModels } from '../../config/load-config.ts';
import { verificationTarget } from '../../config/watched-config.ts';
import { runCheck } from '../../monitor/run-check.ts';
import { type CliIo, EXIT } from '../cli-io.ts';
import * as defaults from '../defaults.ts';
import { createLocalMonitor } from '../local-monitor.ts';
import { assertStatePathIsFile } from '../local-resources.ts';
import { parseIntegerOption, parseOptions } from '../parse-options.ts';
import { plural } from '../plural.ts';
import { renderRun } from '../render-run.ts';

export const CHECK_HELP = `Usage: bedrock-access-monitor check [options]

Asks Amazon Bedrock, with your default AWS credentials, whether this account can use each
watched model in each watched region; records every state change in the state file and
prints the table of states and the transitions.

Makes no billed call: GetFoundationModelAvailability is free. The verification call that
models with \`verify\` in the config ask for (Converse, billed, and for a third-party model the
start of its AWS Marketplace subscription) is made only with --verify; the deployed monitor
makes it as the config says.

Options:
  --config FILE           watched models (default: ${defaults.DEFAULT_CONFIG_PATH})
  --state FILE            state file (default: ${defaults.DEFAULT_STATE_PATH})
  --json                  print one JSON object instead of the table
  --deadline SECONDS      stop waiting for Bedrock after this long (default: ${defaults.DEFAULT_DEADLINE_SECONDS})
  --concurrency N         calls in flight per region (default: ${defaults.DEFAULT_CONCURRENCY})
  --request-timeout SEC   timeout of one attempt (default: ${defaults.DEFAULT_REQUEST_TIMEOUT_SECONDS})
  --max-attempts N        attempts per call, with adaptive backoff (default: ${defaults.DEFAULT_MAX_ATTEMPTS})
  --verify                make the verification call (billed) when a model with \`verify\`
                          becomes ENABLED, as the deployed monitor does
  -h, --help              show this help

Exit codes: 0 every pair checked, 3 some checks failed (their state is UNKNOWN and left as
stored), 1 an error (config, credentials, state file), 2 wrong usage.`;

/** `check`: one monitoring run against real AWS. */
export async function checkCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseOptions('check', args, {
    config: { type: 'string' },
    state: { type: 'string' },
    json: { type: 'boolean' },
    deadline: { type: 'string' },
    concurrency: { type: 'string' },
    'request-timeout': { type: 'string' },
    'max-attempts': { type: 'string' },
    verify: { type: 'boolean' },
  });
  if (values.help) {
    io.out(CHECK_HELP);
    return EXIT.ok;
  }
  const deadlineSeconds = parseIntegerOption(
    'deadline',
    values.deadline,
    defaults.DEFAULT_DEADLINE_SECONDS,
    1,
    900,
  );
  const monitorOptions = {
    concurrencyPerRegion: parseIntegerOption(
      'concurrency',
      values.concurrency,
      defaults.DEFAULT_CONCURRENCY,
      1,
      64,
    ),
    requestTimeoutMs:
      1000 *
      parseIntegerOption(
        'request-timeout',
        values['request-timeout'],
        defaults.DEFAULT_REQUEST_TIMEOUT_SECONDS,
        1,
        300,
      ),
    maxAttempts: parseIntegerOption(
      'max-attempts',
      values['max-attempts'],
      defaults.DEFAULT_MAX_ATTEMPTS,
      1,
      10,
    ),
  };
  const config = await loadWatchedModels(values.config ?? defaults.DEFAULT_CONFIG_PATH);
  const statePath = values.state ?? defaults.DEFAULT_STATE_PATH;
  // Local inputs first: nothing is asked of AWS for a run that could not record its answers.
  await assertStatePathIsFile(statePath);
  const account = await resolveCallerAccount(config.regions[0] as string);
  const deps = createLocalMonitor({
    account,
    config,
    statePath,
    deadlineMs: deadlineSeconds * 1000,
    ...monitorOptions,
    verify: values.verify === true,
    onNotify: () => {},
  });
  const summary = await runCheck({ ...deps, deadline: Date.now() + deps.deadlineMs }, new Date());
  io.out(values.json ? JSON.stringify({ ...summary, stateFile: statePath }) : renderRun(summary));
  const unverified = config.models.filter((model) => verificationTarget(config, model.id));
  if (!values.verify && !values.json && unverified.length > 0) {
    io.out(
      `\nNo verification call: ${plural(unverified.length, 'model')} in the config ${unverified.length === 1 ? 'has' : 'have'} \`verify\`, and a local check makes that billed call only with --verify.`,
    );
  }
  return summary.failures.length > 0 ? EXIT.partial : EXIT.ok;
}
