import packageJson from '../package.json' with { type: 'json' };
import { findAccessProblem } from './aws/access-problem.ts';
import { explainAccessProblem } from './aws/explain-access-problem.ts';
import { type CliIo, EXIT, processIo } from './cli/cli-io.ts';
import { checkCommand } from './cli/commands/check.ts';
import { demoCommand } from './cli/commands/demo.ts';
import { diagnoseCommand } from './cli/commands/diagnose.ts';
import { historyCommand } from './cli/commands/history.ts';
import { requestCommand } from './cli/commands/request.ts';
import { simulateCommand } from './cli/commands/simulate.ts';
import { statusCommand } from './cli/commands/status.ts';
import { validateCommand } from './cli/commands/validate.ts';
import { readCredentialSource } from './config/aws-credential-source.ts';
import { BedrockAccessMonitorError, ConfigError, UsageError } from './errors.ts';
import { closestMatch } from './text/did-you-mean.ts';

const COMMANDS: Record<string, (args: string[], io: CliIo) => Promise<number>> = {
  check: checkCommand,
  status: statusCommand,
  history: historyCommand,
  validate: validateCommand,
  diagnose: diagnoseCommand,
  request: requestCommand,
  demo: demoCommand,
  simulate: simulateCommand,
};

export const HELP = `Usage: bedrock-access-monitor <command> [options]

Watches Amazon Bedrock model access (per model, per region) and tells you when it changes.

Commands:
  check      ask Bedrock now (default AWS credentials), record changes, print the states
  status     print the stored states: local file, or the deployed table with --table
  history    print the recorded transitions (--model, --region, --since)
  validate   check a watched-models file
  diagnose   why a model cannot be used in a region: each step, then one verdict
  request    request access to a model in a region and watch it until ENABLED
  demo       run the monitor against the built-in Bedrock simulator (no AWS account needed)
  simulate   run the Bedrock simulator alone, for your own experiments

Run \`bedrock-access-monitor <command> --help\` for a command's options, and
\`bedrock-access-monitor --version\` for the version.

Exit codes: 0 done; 1 an error (config, credentials, a file, AWS could not be asked); 2 wrong
usage; 3 check: some checks failed; 4 and 5 diagnose and request: not usable or not granted,
could not tell or timed out. docs/cli-exit-codes.md has the whole list.`;

/** The CLI: returns the exit code; writes only through `io`. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.out(HELP);
    return command === undefined ? EXIT.usage : EXIT.ok;
  }
  if (command === '--version') {
    io.out(`bedrock-access-monitor ${packageJson.version}`);
    return EXIT.ok;
  }
  const run = COMMANDS[command];
  if (run === undefined) {
    const names = Object.keys(COMMANDS);
    const match = closestMatch(command, names);
    const hint =
      match === undefined ? ` The commands are ${names.join(', ')}.` : ` Did you mean "${match}"?`;
    io.err(`Unknown command "${command}".${hint} See \`bedrock-access-monitor --help\`.`);
    return EXIT.usage;
  }
  try {
    return await run(args, io);
  } catch (error) {
    // Before our own errors: a state store error may carry an expired token as its cause.
    const accessProblem = findAccessProblem(error);
    if (accessProblem !== undefined) {
      io.err(explainAccessProblem(accessProblem, await readCredentialSource(), command));
      return EXIT.error;
    }
    if (error instanceof UsageError) {
      io.err(error.message);
      return EXIT.usage;
    }
    if (error instanceof ConfigError) {
      io.err(
        `${error.problems.length === 1 ? 'The config has a problem' : `The config has ${error.problems.length} problems`}:\n${error.message}`,
      );
      return EXIT.error;
    }
    if (error instanceof BedrockAccessMonitorError) {
      io.err(error.message);
      return EXIT.error;
    }
    throw error;
  }
}
