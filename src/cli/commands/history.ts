import { UsageError } from '../../errors.ts';
import { grantHistoryFields } from '../../monitor/history-log.ts';
import { formatTime } from '../../notify/render-alert.ts';
import { type CliIo, EXIT } from '../cli-io.ts';
import { DEFAULT_STATE_PATH } from '../defaults.ts';
import { parseOptions } from '../parse-options.ts';
import { renderTable } from '../render-table.ts';
import { accountForTable, openStateSource } from '../state-source.ts';

export const HISTORY_HELP = `Usage: bedrock-access-monitor history [options]

Prints the recorded grant transitions, oldest first: from the deployed monitor's DynamoDB
table (--table), or from the local state file of \`check\` runs.

Options:
  --table NAME     the deployed state table (region from AWS_REGION or your profile)
  --account ID     the account whose history to read in the table (default: your own)
  --state FILE     local state file (default: ${DEFAULT_STATE_PATH})
  --model ID       only this model
  --region R       only this Bedrock region
  --since DATE     only transitions at or after DATE (2026-11-01 or 2026-11-01T12:00:00Z)
  --json           print one JSON object: { source, transitions: [...] }, each transition
                   with the fields of the monitor's "Grant state changed" log lines, which
                   the saved CloudWatch Logs Insights queries read
  -h, --help       show this help`;

/** `history`: the grant transitions recorded so far. */
export async function historyCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseOptions('history', args, {
    table: { type: 'string' },
    account: { type: 'string' },
    state: { type: 'string' },
    model: { type: 'string' },
    region: { type: 'string' },
    since: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (values.help) {
    io.out(HISTORY_HELP);
    return EXIT.ok;
  }
  const since = values.since === undefined ? undefined : parseSince(values.since);
  const source = openStateSource({ table: values.table, state: values.state });
  try {
    const filters = {
      ...(values.model === undefined ? {} : { modelId: values.model }),
      ...(values.region === undefined ? {} : { region: values.region }),
      ...(since === undefined ? {} : { since }),
    };
    const accounts =
      source.kind === 'table'
        ? [await accountForTable(values.account, 'history')]
        : await localAccounts(source.store, values.account);
    const transitions = (
      await Promise.all(accounts.map((account) => source.store.history({ account, ...filters })))
    ).flat();
    const where = source.kind === 'table' ? `table ${source.tableName}` : source.path;
    if (values.json) {
      // The same fields, by the same function, as the log lines the saved queries read.
      io.out(
        JSON.stringify({
          source: where,
          transitions: transitions.map((t) => grantHistoryFields(t)),
        }),
      );
    } else if (transitions.length === 0) {
      io.out(`No transitions recorded in ${where}${describeFilters(values)}.`);
    } else {
      const rows = transitions.map((t) => [
        formatTime(t.observedAt),
        t.account,
        t.region,
        t.modelId,
        t.kind,
        `${t.from ?? '-'} -> ${t.to}`,
      ]);
      io.out(renderTable(['OBSERVED', 'ACCOUNT', 'REGION', 'MODEL', 'KIND', 'CHANGE'], rows));
    }
    return EXIT.ok;
  } finally {
    source.close();
  }
}

async function localAccounts(
  store: { loadAllAccounts(): Promise<{ records: Array<{ account: string }> }> },
  account: string | undefined,
) {
  if (account !== undefined) return [account];
  const { records } = await store.loadAllAccounts();
  return [...new Set(records.map((record) => record.account))];
}

function parseSince(value: string): string {
  const time = /^\d{4}-\d{2}-\d{2}$/.test(value)
    ? Date.parse(`${value}T00:00:00Z`)
    : Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(time)) {
    throw new UsageError(
      `--since must be a date like 2026-11-01 or 2026-11-01T12:00:00Z, not "${value}".`,
    );
  }
  return new Date(time).toISOString();
}

function describeFilters(values: {
  model?: string | undefined;
  region?: string | undefined;
  since?: string | undefined;
}): string {
  const parts = [
    values.model && `model ${values.model}`,
    values.region && `region ${values.region}`,
    values.since && `since ${values.since}`,
  ].filter(Boolean);
  return parts.length === 0 ? '' : ` for ${parts.join(', ')}`;
}
