import { FileStateStore } from '../../state/file-state-store.ts';
import { type CliIo, EXIT } from '../cli-io.ts';
import { DEFAULT_STATE_PATH } from '../defaults.ts';
import { parseOptions } from '../parse-options.ts';
import { renderStoredStates } from '../render-run.ts';

export const STATUS_HELP = `Usage: bedrock-access-monitor status [options]

Prints the grant states stored by earlier runs. Makes no AWS call.

Options:
  --state FILE   state file (default: ${DEFAULT_STATE_PATH})
  --json         print one JSON object: { stateFile, pairs: [...], skipped: [...] }
  -h, --help     show this help`;

/** `status`: the stored states, read from the state file. */
export async function statusCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseOptions('status', args, {
    state: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (values.help) {
    io.out(STATUS_HELP);
    return EXIT.ok;
  }
  const statePath = values.state ?? DEFAULT_STATE_PATH;
  const { records, skipped } = await new FileStateStore(statePath).loadAllAccounts();
  if (values.json) {
    io.out(JSON.stringify({ stateFile: statePath, pairs: records, skipped }));
    return EXIT.ok;
  }
  if (records.length === 0 && skipped.length === 0) {
    io.out(`No stored states in ${statePath} yet. Run \`bedrock-access-monitor check\` first.`);
    return EXIT.ok;
  }
  io.out(renderStoredStates(records));
  for (const item of skipped) io.err(`skipped ${item.key} (left untouched): ${item.reason}`);
  return EXIT.ok;
}
