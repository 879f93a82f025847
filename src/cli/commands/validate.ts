import { rethrowIfCredentialProblem } from '../../aws/access-problem.ts';
import { createBedrockClientCache } from '../../bedrock/bedrock-clients.ts';
import { createBedrockCatalogSource } from '../../catalog/catalog-source.ts';
import { checkConfigOnline, describeFinding } from '../../catalog/check-config-online.ts';
import { readFunctionTimeoutSeconds } from '../../config/function-timeout.ts';
import { formatProblems, placeProblems, readWatchedModels } from '../../config/load-config.ts';
import { resolveTargets, type WatchedConfig, watchedScope } from '../../config/watched-config.ts';
import { type CliIo, EXIT } from '../cli-io.ts';
import * as defaults from '../defaults.ts';
import { parseOptions } from '../parse-options.ts';
import { plural, renderScope } from '../plural.ts';

export const VALIDATE_HELP = `Usage: bedrock-access-monitor validate [FILE] [--online]

Checks a watched-models file (default: ${defaults.DEFAULT_CONFIG_PATH}) and reports every problem
at once, each as FILE:LINE:COLUMN: message. Exits 1 on any problem. Makes no AWS call.

Beyond the format, it refuses what cannot work once deployed: an inference profile called
from a region outside its geography, GovCloud regions beside commercial ones, more checks in
one region than a run of the function (its timeout in serverless.yml) can make, ids with
invisible characters, a file that is not UTF-8 text.

Options:
  --online     also check the file against the live catalog of each watched region
               (ListFoundationModels, with your default AWS credentials): ids Bedrock lists
               nowhere, with the closest real ids; ids not offered in a region they are
               watched in; LEGACY models (a warning). Exits 1 on an unknown or not offered
               id, 3 when a region could not be listed.
  -h, --help   show this help`;

/** `validate [file] [--online]`: the config check that `serverless package` also runs. */
export async function validateCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(
    'validate',
    args,
    { online: { type: 'boolean' } },
    true,
  );
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
  const file = positionals[0] ?? defaults.DEFAULT_CONFIG_PATH;
  // A ConfigError propagates to main(), which prints every problem and exits 1.
  const { config, text } = await readWatchedModels(file, {
    functionTimeoutSeconds: await readFunctionTimeoutSeconds(),
  });
  const summary = describeConfig(file, config);
  if (!values.online) {
    io.out(summary);
    return EXIT.ok;
  }
  return validateOnline(file, text, config, summary, io);
}

function describeConfig(file: string, config: WatchedConfig): string {
  const warnings =
    config.lifecycleWarnings.length === 0
      ? 'no lifecycle warnings'
      : `lifecycle warnings ${config.lifecycleWarnings.join(', ')} days ahead`;
  return `${file}: valid. ${renderScope(watchedScope(config))}; notify on ${config.notify.join(', ')}; revocation confirmed after ${plural(config.confirmRevocation, 'answer')} in a row; ${warnings}; stuck after ${config.stuckAfter}.`;
}

async function validateOnline(
  file: string,
  text: string,
  config: WatchedConfig,
  summary: string,
  io: CliIo,
): Promise<number> {
  const source = createBedrockCatalogSource({
    clientForRegion: createBedrockClientCache({
      requestTimeoutMs: defaults.DEFAULT_REQUEST_TIMEOUT_SECONDS * 1000,
      maxAttempts: defaults.DEFAULT_MAX_ATTEMPTS,
    }),
    concurrency: defaults.DEFAULT_CONCURRENCY,
  });
  const deadline = Date.now() + defaults.DEFAULT_DEADLINE_SECONDS * 1000;
  const listings = await source.list(resolveTargets(config), deadline);
  for (const listing of listings) {
    if (listing.ok) continue;
    // Credentials that cannot be used stop the command, and the CLI explains them.
    rethrowIfCredentialProblem(
      Object.assign(new Error(listing.message), { name: listing.errorName ?? 'Error' }),
    );
  }

  const { findings, unchecked } = checkConfigOnline(config, listings);
  const placed = (severity: 'error' | 'warning') =>
    placeProblems(
      text,
      file,
      findings
        .filter((finding) => finding.severity === severity)
        .map((finding) => ({ path: finding.path, message: describeFinding(finding) })),
    );
  const errors = placed('error');
  const warnings = placed('warning');

  if (errors.length > 0) {
    const count = errors.length === 1 ? 'a problem' : `${errors.length} problems`;
    io.err(`The config has ${count} against the live Bedrock catalog:\n${formatProblems(errors)}`);
  }
  if (warnings.length > 0) {
    io.err(`Warnings:\n${formatProblems(warnings)}`);
  }
  for (const { region, errorName, message } of unchecked) {
    const cause = errorName === null ? message : `${errorName}: ${message}`;
    io.err(`${file}: ${region} could not be listed, so nothing was checked there (${cause}).`);
  }
  if (errors.length > 0) return EXIT.error;
  const checked = listings.length - unchecked.length;
  io.out(
    `${summary} Checked against the live catalog of ${checked} of ${listings.length} regions.`,
  );
  return unchecked.length > 0 ? EXIT.partial : EXIT.ok;
}
