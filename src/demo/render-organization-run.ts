/**
 * What `demo --accounts N` prints of each run: one line per run, a line per transition and per
 * unreachable account (how far its streak is from being announced), and each notification as
 * it reads (the renderers the SNS notifications use).
 */

import { plural } from '../cli/plural.ts';
import type { AnnouncedEvent } from '../events/announced-event.ts';
import { renderAlertText, renderSubject } from '../notify/render-alert.ts';
import { ACCOUNT_EVENT_SCHEMA, type AccountEvent } from '../organization/account-event.ts';
import type { AccountStatus } from '../organization/reachability.ts';
import {
  accountLabel,
  renderAccountEmail,
  renderAccountSubject,
} from '../organization/render-account-event.ts';
import { renderNotificationBox } from './run-demo.ts';
import type { CheckedMessage } from './run-organization-demo.ts';

export function renderAlert(event: AnnouncedEvent | AccountEvent): string {
  return isAccountEvent(event)
    ? renderNotificationBox(renderAccountSubject(event), renderAccountEmail(event))
    : renderNotificationBox(renderSubject(event), renderAlertText(event));
}

export function renderRunLines(
  run: number,
  scheduledAt: Date,
  checked: readonly CheckedMessage[],
  statuses: readonly AccountStatus[],
  announced: ReadonlyArray<AnnouncedEvent | AccountEvent>,
  confirm: number,
): string {
  const summaries = checked.flatMap(({ result }) =>
    result.outcome === 'checked' ? [result.summary] : [],
  );
  const checks = summaries.reduce((sum, s) => sum + s.checks, 0);
  const unknown = summaries.reduce((sum, s) => sum + s.states.UNKNOWN, 0);
  const parts = [
    `Run ${String(run).padStart(2)} (${scheduledAt.toISOString().slice(11, 16)} UTC): ${plural(checked.length, 'account')} listed, ${plural(checked.length, 'work message')}; ${plural(summaries.length, 'account')} checked, ${checks - unknown}/${plural(checks, 'check')} answered`,
  ];
  if (run === 1) parts.push('first sighting of every pair stored as the baseline, in each account');
  for (const { message, result } of checked) {
    const label = accountLabel(message.account, message.accountName);
    if (result.outcome === 'checked') {
      for (const t of result.summary.transitions) {
        parts.push(`${t.kind}: ${label}: ${t.modelId} in ${t.region} (${t.from} -> ${t.to})`);
      }
      continue;
    }
    if (result.outcome === 'unreachable') {
      const status = statuses.find((s) => s.account === message.account);
      const now = announced.some(
        (event) =>
          isAccountEvent(event) &&
          event.kind === 'account-unreachable' &&
          event.account === message.account,
      );
      const state =
        status === undefined
          ? 'reachability not recorded'
          : status.reachable
            ? `${status.streak?.count ?? 0} of ${plural(confirm, 'period')} in a row: not announced yet`
            : now
              ? `${plural(confirm, 'period')} in a row: account-unreachable announced`
              : `since ${status.since.slice(11, 16)} UTC, already announced`;
      // No summary: AssumeRole was denied; a summary: every check was.
      const why =
        result.summary === undefined
          ? 'its member role cannot be assumed: AccessDenied'
          : 'every check was denied';
      parts.push(`${label}: unreachable (${why}), ${state}`);
      continue;
    }
    parts.push(
      result.outcome === 'stale'
        ? `${label}: work message ${result.ageMs} ms old, skipped`
        : `${label}: ${result.reason} (deployed, SQS delivers the message again)`,
    );
  }
  if (unknown > 0)
    parts.push(`${plural(unknown, 'check')} UNKNOWN: states left as stored, no alert`);
  if (parts.length === 1) parts.push('no change');
  return parts.join('\n         ');
}

function isAccountEvent(event: AnnouncedEvent | AccountEvent): event is AccountEvent {
  return event.schema === ACCOUNT_EVENT_SCHEMA;
}
