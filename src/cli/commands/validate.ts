import { readFunctionTimeoutSeconds } from '../../config/function-timeout.ts';
import { loadWatchedModels } from '../../config/load-config.ts';
import { watchedScope } from '../../config/watched-config.ts';
import { type CliIo, EXIT } from '../cli-io.ts';
import { DEFAULT_CONFIG_PATH } from '../defaults.ts';
import { parseOptions } from '../parse-options.ts';
import { plural, renderScope } from '../plural.ts';

export const VALIDATE_HELP = `Usage: bedrock-access-monitor validate [FILE]

Checks a watched-models file (default: ${DEFAULT_CONFIG_PATH}) and reports every problem
at once, each as FILE:LINE:COLUMN: message. Exits 1 on any problem. Makes no AWS call.

Beyond the format, it refuses what cannot work once deployed: an inference profile called
from a region outside its geography, GovCloud regions beside commercial ones, more checks in
one region than a run of the function (its timeout in serverless.yml) can make, ids with
invisible characters, a file that is not UTF-8 text.

Options:
  -h, --help   show this help`;

/** `validate [file]`: the config check that `serverless package` also runs. */
export async function validateCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions('validate', args, {}, true);
  if (values.help) {
    io.out(VALIDATE_HELP);
    return EXIT.ok;
  }
  if (positionals.length > 1) {
    io.err(
      `validate takes one file, not ${positionals.length}. See \`bedrock-access-monitor validate --help\`.`,
    );
    return EXIT.usage;
  }
  const file = positionals[0] ?? DEFAULT_CONFIG_PATH;
  // A ConfigError propagates to main(), which prints every problem and exits 1.
  const config = await loadWatchedModels(file, {
    functionTimeoutSeconds: await readFunctionTimeoutSeconds(),
  });
  io.out(
    `${file}: valid. ${renderScope(watchedScope(config))}; notify on ${config.notify.join(', ')}; revocation confirmed after ${plural(config.confirmRevocation, 'answer')} in a row.`,
  );
  return EXIT.ok;
}
