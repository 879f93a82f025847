import { type PairRecord, pairKey } from '../grants/pair-record.ts';
import type { TransitionEvent } from '../grants/types.ts';
import type { PairView, RunSummary } from '../monitor/run-summary.ts';
import { formatTime, renderSubject } from '../notify/render-alert.ts';
import { plural } from './plural.ts';
import { renderTable } from './render-table.ts';

/** The check command's human output: the region × model table, transitions, failures. */
export function renderRun(summary: RunSummary): string {
  const regions = new Set(summary.pairs.map((pair) => pair.region));
  const models = new Set(summary.pairs.map((pair) => pair.modelId));
  const failureByPair = new Map(summary.failures.map((f) => [pairKey(f), f]));
  const rows = [...summary.pairs].sort(byRegionThenModel).map((pair) => {
    const failure = failureByPair.get(pairKey(pair));
    return [
      pair.region,
      pair.modelId,
      describeState(pair, failure?.kind),
      pair.since === null ? '-' : formatTime(pair.since),
    ];
  });
  const sections = [
    `Account ${summary.account}: ${plural(summary.checks, 'check')} (${plural(models.size, 'model')} x ${plural(regions.size, 'region')}) in ${(summary.durationMs / 1000).toFixed(1)} s`,
    '',
    renderTable(['REGION', 'MODEL', 'STATE', 'SINCE'], rows),
    '',
    renderTransitions(summary.transitions),
  ];
  if (summary.failures.length > 0) {
    sections.push(
      '',
      `Could not check ${summary.failures.length} (state left as stored):`,
      ...summary.failures.map(
        (f) =>
          `  ${f.region}  ${f.modelId}  ${f.kind}: ${f.errorName ? `${f.errorName}: ` : ''}${f.message}`,
      ),
    );
  }
  if (summary.skippedItems.length > 0) {
    sections.push(
      '',
      'Stored items skipped (left untouched):',
      ...summary.skippedItems.map((s) => `  ${s.key}: ${s.reason}`),
    );
  }
  if (summary.notifications.failed > 0) {
    sections.push(
      '',
      `${plural(summary.notifications.failed, 'notification')} failed; the next run sends ${summary.notifications.failed === 1 ? 'it' : 'them'} again.`,
    );
  }
  return sections.join('\n');
}

export function renderTransitions(transitions: readonly TransitionEvent[]): string {
  if (transitions.length === 0) return 'No transitions.';
  return [
    `Transitions (${transitions.length}):`,
    ...transitions.map(
      (event) => `  ${renderSubject(event)}  (${event.from ?? 'none'} -> ${event.to})`,
    ),
  ].join('\n');
}

/**
 * The status command's table: what is stored, with no AWS call. `unwatched`, when the config is
 * known, names the config a pair is no longer in.
 */
export function renderStoredStates(
  records: readonly PairRecord[],
  unwatched?: { isUnwatched(record: PairRecord): boolean; configPath: string },
): string {
  const rows = [...records].sort(byRegionThenModel).map((record) => {
    const notes = [
      record.outbox.length > 0 ? `${record.outbox.length} undelivered` : '',
      unwatched?.isUnwatched(record) ? `not in ${unwatched.configPath}` : '',
    ];
    return [
      record.account,
      record.region,
      record.modelId,
      record.pendingRevocation === null
        ? record.state
        : `${record.state} (revocation pending: ${plural(record.pendingRevocation.count, 'answer')} ${record.pendingRevocation.state})`,
      formatTime(record.since),
      notes.filter((note) => note !== '').join('; '),
    ];
  });
  return renderTable(['ACCOUNT', 'REGION', 'MODEL', 'STATE', 'SINCE', 'NOTE'], rows);
}

function describeState(pair: PairView, failureKind: string | undefined): string {
  if (pair.state === 'UNKNOWN') {
    const stored = pair.storedState === null ? 'never observed' : `stored ${pair.storedState}`;
    return `UNKNOWN (${failureKind ?? 'check failed'}; ${stored})`;
  }
  if (pair.pendingRevocation > 0 && pair.storedState === 'ENABLED') {
    return `ENABLED (answered ${pair.state}, revocation pending ${pair.pendingRevocation})`;
  }
  return pair.state;
}

function byRegionThenModel(
  a: { region: string; modelId: string },
  b: { region: string; modelId: string },
) {
  return a.region.localeCompare(b.region) || a.modelId.localeCompare(b.modelId);
}
