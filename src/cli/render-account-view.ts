/**
 * The per-account view as `status --model --region` and the demo print it: which accounts can
 * use the model in the region, then one row per account (id, name, state, since,
 * reachability), then why each unreachable account is so.
 */
import { formatTime } from '../notify/render-alert.ts';
import { accountLabel } from '../organization/render-account-event.ts';
import type { AccountView, AccountViewRow } from './account-view.ts';
import { plural } from './plural.ts';
import { describeStoredState } from './render-run.ts';
import { renderTable } from './render-table.ts';

export function renderAccountView(view: AccountView): string {
  const { rows, modelId, region } = view;
  if (rows.length === 0) {
    return `No account in ${view.source} has been checked yet, so none is known to use ${modelId} in ${region}.`;
  }
  const enabled = rows.filter((row) => row.state === 'ENABLED');
  const staleEnabled = enabled.filter((row) => row.reachability?.reachable === false);
  const headline = [
    `${enabled.length} of ${plural(rows.length, 'account')} can use ${modelId} in ${region} (ENABLED)`,
    enabled.length === 0 ? '' : `: ${enabled.map(label).join(', ')}`,
    staleEnabled.length === 0
      ? ''
      : `; ${staleEnabled.length} of them unreachable, as last observed`,
    `. From ${view.source}.`,
  ].join('');
  const table = renderTable(
    ['ACCOUNT', 'NAME', 'STATE', 'SINCE', 'REACHABILITY'],
    rows.map((row) => [
      row.account,
      row.accountName ?? '-',
      row.state === null
        ? 'not checked (no stored state)'
        : describeStoredState({ state: row.state, pendingRevocation: row.pendingRevocation }),
      row.since === null ? '-' : formatTime(row.since),
      describeReachability(row),
    ]),
  );
  const reasons = rows.flatMap((row) =>
    row.reachability !== null && row.reachability.reason !== null
      ? [`${label(row)}: ${row.reachability.reason}`]
      : [],
  );
  return [
    headline,
    '',
    table,
    ...(reasons.length === 0
      ? []
      : [
          '',
          'Without access (the state shown is the last one observed):',
          ...reasons.map((r) => `  ${r}`),
        ]),
  ].join('\n');
}

function label(row: AccountViewRow): string {
  return accountLabel(row.account, row.accountName);
}

function describeReachability(row: AccountViewRow): string {
  const reachability = row.reachability;
  if (reachability === null) return '-';
  if (!reachability.reachable) return `UNREACHABLE since ${formatTime(reachability.since)}`;
  if (reachability.periodsWithoutAccess > 0) {
    return `reachable (${plural(reachability.periodsWithoutAccess, 'period')} without access)`;
  }
  return 'reachable';
}
