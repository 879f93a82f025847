import { type CliIo, EXIT } from '../cli-io.ts';
import { DEFAULT_STATE_PATH } from '../defaults.ts';
import { parseOptions } from '../parse-options.ts';
import { renderStoredStates } from '../render-run.ts';
import { accountForTable, openStateSource } from '../state-source.ts';

export const STATUS_HELP = `Usage: bedrock-access-monitor status [options]

Prints the grant states stored by earlier runs, without asking Bedrock: from the deployed
monitor's DynamoDB table (--table), or from the local state file of \`check\` runs.

Options:
  --table NAME   the deployed state table (region from AWS_REGION or your profile)
  --account ID   the account whose states to read in the table (default: your own)
  --state FILE   local state file (default: ${DEFAULT_STATE_PATH})
  --json         print one JSON object: { source, pairs: [...], skipped: [...] }
  -h, --help     show this help`;

/** `status`: the stored states, read from the table or the state file. */
export async function statusCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseOptions('status', args, {
    table: { type: 'string' },
    account: { type: 'string' },
    state: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (values.help) {
    io.out(STATUS_HELP);
    return EXIT.ok;
  }
  const source = await openStateSource({ table: values.table, state: values.state });
  try {
    const { records, skipped } =
      source.kind === 'table'
        ? await source.store.load(await accountForTable(values.account))
        : await source.store.loadAllAccounts();
    const where = source.kind === 'table' ? `table ${source.tableName}` : source.path;
    if (values.json) {
      io.out(JSON.stringify({ source: where, pairs: records, skipped }));
      return EXIT.ok;
    }
    if (records.length === 0 && skipped.length === 0) {
      io.out(
        `No stored states in ${where} yet. Run \`bedrock-access-monitor check\` first, or wait for the deployed monitor's first run.`,
      );
      return EXIT.ok;
    }
    io.out(renderStoredStates(records));
    for (const item of skipped) io.err(`skipped ${item.key} (left untouched): ${item.reason}`);
    return EXIT.ok;
  } finally {
    source.close();
  }
}
