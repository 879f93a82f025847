import type { ModelLifecycle } from '../catalog/model-lifecycle.ts';
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
      describeLifecycle(pair.lifecycle),
    ];
  });
  const sections = [
    `Account ${summary.account}: ${plural(summary.checks, 'check')} (${plural(models.size, 'model')} x ${plural(regions.size, 'region')}) in ${(summary.durationMs / 1000).toFixed(1)} s`,
    '',
    renderTable(['REGION', 'MODEL', 'STATE', 'SINCE', 'LIFECYCLE'], rows),
    '',
    renderTransitions(summary.transitions),
  ];
  const announcements = summary.announcements ?? [];
  if (announcements.length > 0) {
    sections.push(
      '',
      `Other events (${announcements.length}):`,
      ...announcements.map((event) => `  ${renderSubject(event)}`),
    );
  }
  for (const { modelId, suggestions } of summary.unknownModels ?? []) {
    sections.push(
      '',
      `${modelId} is listed by Bedrock in no watched region: check the id in the config${suggestions.length === 0 ? '.' : ` (did you mean ${suggestions.join(' or ')}?)`}`,
    );
  }
  for (const failure of summary.catalogFailures ?? []) {
    sections.push(
      '',
      `Could not list the models of ${failure.region} (lifecycle unknown there this run): ${failure.kind}: ${failure.errorName ? `${failure.errorName}: ` : ''}${failure.message}`,
    );
  }
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
      describeStoredState(record),
      formatTime(record.since),
      describeLifecycle(record.lifecycle?.lifecycle ?? null),
      notes.filter((note) => note !== '').join('; '),
    ];
  });
  return renderTable(['ACCOUNT', 'REGION', 'MODEL', 'STATE', 'SINCE', 'LIFECYCLE', 'NOTE'], rows);
}

/** `ENABLED`, or `ENABLED (revocation pending: 1 answer NOT_ENABLED)`. */
export function describeStoredState(
  record: Pick<PairRecord, 'state' | 'pendingRevocation'>,
): string {
  return record.pendingRevocation === null
    ? record.state
    : `${record.state} (revocation pending: ${plural(record.pendingRevocation.count, 'answer')} ${record.pendingRevocation.state})`;
}

/** `ACTIVE`, `LEGACY, higher prices 2026-12-01, end of life 2027-03-01`; `-`: never listed. */
export function describeLifecycle(lifecycle: ModelLifecycle | null): string {
  if (lifecycle === null) return '-';
  const dates = [
    lifecycle.publicExtendedAccessTime &&
      `higher prices ${lifecycle.publicExtendedAccessTime.slice(0, 10)}`,
    lifecycle.endOfLifeTime && `end of life ${lifecycle.endOfLifeTime.slice(0, 10)}`,
  ].filter((part): part is string => typeof part === 'string' && part !== '');
  return [lifecycle.status, ...dates].join(', ');
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
