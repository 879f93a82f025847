import { access } from 'node:fs/promises';
import { loadWatchedModels } from '../../config/load-config.ts';
import { resolveTargets, type WatchedConfig } from '../../config/watched-config.ts';
import { UsageError } from '../../errors.ts';
import { type PairRecord, pairKey } from '../../grants/pair-record.ts';
import { type CliIo, EXIT } from '../cli-io.ts';
import { DEFAULT_CONFIG_PATH, DEFAULT_STATE_PATH } from '../defaults.ts';
import { parseOptions } from '../parse-options.ts';
import { plural } from '../plural.ts';
import { renderStoredStates } from '../render-run.ts';
import { accountForTable, openStateSource } from '../state-source.ts';
import { printAccountView, wantsAccountView } from './status-accounts.ts';

export const STATUS_HELP = `Usage: bedrock-access-monitor status [options]

Prints the grant states stored by earlier runs, without asking Bedrock: from the deployed
monitor's DynamoDB table (--table), or from the local state file of \`check\` runs. Pairs no
longer in the config are marked "not in <config>" (when the config file exists).

With --model ID --region R: which accounts can use that model in that region, one row per
account (id, name, state, since, reachability). From the table, the accounts are those the
config watches (its \`accounts\`: the fixed ids, or the organization listed from AWS
Organizations; without \`accounts\`, --account or your own), each read by key; from the local
state file (and its sibling <name>.accounts.json), every account they hold.

Options:
  --table NAME    the deployed state table (region from AWS_REGION or your profile)
  --account ID    the account whose states to read in the table (default: your own); with
                  --model, only this account
  --model ID      with --region: the per-account view of this model
  --region R      with --model: ... in this Bedrock region
  --state FILE    local state file (default: ${DEFAULT_STATE_PATH})
  --config FILE   the watched models to compare with (default: ${DEFAULT_CONFIG_PATH})
  --prune         remove the pairs no longer in the config from the local state file (their
                  history stays); not for --table, whose pairs follow the deployed config
  --json          print one JSON object: { source, pairs: [...], skipped: [...], unwatched: [...] };
                  with --model: { source, modelId, region, accounts: [{ account, accountName,
                  state, since, pendingRevocation, reachability }], skipped: [...] }
  -h, --help      show this help`;

/** `status`: the stored states, read from the table or the state file. */
export async function statusCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseOptions('status', args, {
    table: { type: 'string' },
    account: { type: 'string' },
    state: { type: 'string' },
    config: { type: 'string' },
    prune: { type: 'boolean' },
    json: { type: 'boolean' },
    model: { type: 'string' },
    region: { type: 'string' },
  });
  if (values.help) {
    io.out(STATUS_HELP);
    return EXIT.ok;
  }
  if (values.prune && values.table !== undefined) {
    throw new UsageError(
      "status --prune edits a local state file only: the deployed table is the deployed monitor's, whose config may not be this one, and its pairs no longer watched are only listed. Leave out --table to prune the local state file.",
    );
  }
  const byAccount = wantsAccountView(values);
  if (byAccount && values.prune) {
    throw new UsageError('status: --prune does not go with --model and --region; run it alone.');
  }
  const configPath = values.config ?? DEFAULT_CONFIG_PATH;
  // The table's per-account view lists the accounts the config watches: it needs the config.
  const config = await watchedConfig(
    configPath,
    values.config !== undefined ||
      values.prune === true ||
      (byAccount && values.table !== undefined),
  );
  const source = await openStateSource({ table: values.table, state: values.state });
  try {
    if (byAccount) {
      return await printAccountView(
        source,
        {
          // wantsAccountView made sure both are given.
          model: values.model as string,
          region: values.region as string,
          account: values.account,
          json: values.json === true,
          config,
          configPath,
        },
        io,
      );
    }
    const { records, skipped } =
      source.kind === 'table'
        ? await source.store.load(await accountForTable(values.account))
        : await source.store.loadAllAccounts();
    const where = source.kind === 'table' ? `table ${source.tableName}` : source.path;
    const isUnwatched = unwatchedBy(config);
    const unwatched = records.filter(isUnwatched);
    // A pair another run wrote since it was read here stays, and is still shown.
    const removed =
      values.prune && source.kind === 'file' ? await source.store.remove(unwatched) : [];
    const pruned = unwatched.filter((_, index) => removed[index] === true);
    const shown = records.filter((record) => !pruned.includes(record));
    if (values.json) {
      const names = (list: PairRecord[]) =>
        list.map(({ account, region, modelId }) => ({ account, region, modelId }));
      io.out(
        JSON.stringify({
          source: where,
          pairs: shown,
          skipped,
          unwatched: names(unwatched.filter((record) => !pruned.includes(record))),
          ...(values.prune ? { pruned: names(pruned) } : {}),
        }),
      );
      return EXIT.ok;
    }
    if (values.prune) {
      io.out(
        unwatched.length === 0
          ? `Nothing to prune: every pair in ${where} is in ${configPath}.`
          : pruned.length === 0
            ? `Nothing pruned: another run changed ${where} while status read it; run status --prune again.`
            : `Removed ${plural(pruned.length, 'pair')} no longer in ${configPath} from ${where} (their history stays): ${pruned.map((r) => `${r.modelId} in ${r.region}`).join(', ')}.`,
      );
    }
    if (shown.length === 0 && skipped.length === 0) {
      io.out(
        `No stored states in ${where} yet. Run \`bedrock-access-monitor check\` first, or wait for the deployed monitor's first run.`,
      );
      return EXIT.ok;
    }
    io.out(
      renderStoredStates(shown, config === undefined ? undefined : { isUnwatched, configPath }),
    );
    const left = unwatched.length - pruned.length;
    if (left > 0 && source.kind === 'file') {
      io.out(
        `\n${plural(left, 'pair')} no longer in ${configPath}: \`bedrock-access-monitor status --prune\` removes ${left === 1 ? 'it' : 'them'} from ${where}.`,
      );
    }
    for (const item of skipped) io.err(`skipped ${item.key} (left untouched): ${item.reason}`);
    return EXIT.ok;
  } finally {
    source.close();
  }
}

/**
 * The config to compare with: the one given, or the default one when it exists. Without a
 * config file nothing is marked; --prune needs one.
 */
async function watchedConfig(path: string, required: boolean): Promise<WatchedConfig | undefined> {
  if (
    !required &&
    !(await access(path).then(
      () => true,
      () => false,
    ))
  )
    return undefined;
  return loadWatchedModels(path);
}

function unwatchedBy(config: WatchedConfig | undefined): (record: PairRecord) => boolean {
  if (config === undefined) return () => false;
  const watched = new Set(resolveTargets(config).map(pairKey));
  return (record) => !watched.has(pairKey(record));
}
