import type { PairRecord } from '../grants/pair-record.ts';
import type {
  CheckFailure,
  GrantState,
  RawAvailability,
  TransitionEvent,
  TransitionKind,
  VerificationResult,
} from '../grants/types.ts';
import type { MonitorLog } from './monitor-log.ts';

/**
 * The messages of the grant history's log lines. The saved queries and the dashboard select
 * lines by these (serverless/history-queries.yml): change one, change both.
 */
export const HISTORY_MESSAGE = {
  baseline: 'Grant first seen',
  transition: 'Grant state changed',
  checkFailed: 'Check failed',
} as const;
export type HistoryMessage = (typeof HISTORY_MESSAGE)[keyof typeof HISTORY_MESSAGE];

/** Whose grant a line is about: the account, and its name where Organizations gave one. */
export interface HistoryAccount {
  account: string;
  accountName?: string | null | undefined;
}

/**
 * One grant of the history, as the log lines and `history --json` both show it: a transition
 * event without its `schema` (that names the notification's JSON), or a first sighting.
 */
export interface GrantHistoryFields {
  /** Null for a first sighting: it is stored, never announced. */
  eventId: string | null;
  kind: TransitionKind | 'baseline';
  account: string;
  accountName?: string;
  modelId: string;
  region: string;
  from: GrantState | null;
  to: GrantState;
  observedAt: string;
  previousSince: string | null;
  /** observedAt minus previousSince: how long the grant was in `from` (null when unknown). */
  inPreviousStateMs: number | null;
  raw: RawAvailability;
  verification?: VerificationResult;
}

/** One check that produced no observation this run: the pair is UNKNOWN. */
export interface FailedCheckFields {
  account: string;
  accountName?: string;
  region: string;
  modelId: string;
  failureKind: CheckFailure['kind'];
  errorName: string | null;
  /** Not `message`: a structured logger keeps that key for the line's own message. */
  errorMessage: string;
  observedAt: string;
}

/** A first sighting or a transition. */
export interface GrantLine {
  level: 'info';
  message: typeof HISTORY_MESSAGE.baseline | typeof HISTORY_MESSAGE.transition;
  fields: GrantHistoryFields;
}

export interface CheckFailureLine {
  level: 'warn';
  message: typeof HISTORY_MESSAGE.checkFailed;
  fields: FailedCheckFields;
}

export type HistoryLine = GrantLine | CheckFailureLine;

/** The history fields of a transition event (also what `history --json` prints). */
export function grantHistoryFields(
  event: TransitionEvent,
  accountName?: string | null,
): GrantHistoryFields {
  return {
    eventId: event.eventId,
    kind: event.kind,
    account: event.account,
    ...named(accountName),
    modelId: event.modelId,
    region: event.region,
    from: event.from,
    to: event.to,
    observedAt: event.observedAt,
    previousSince: event.previousSince,
    inPreviousStateMs: elapsedMs(event.previousSince, event.observedAt),
    raw: event.raw,
    ...(event.verification === undefined ? {} : { verification: event.verification }),
  };
}

/**
 * The line of a pair's first sighting: the fields of a transition, `from` null. `who` gives
 * the account's name; the id is the record's own.
 */
export function baselineLine(record: PairRecord, who: HistoryAccount): GrantLine {
  return {
    level: 'info',
    message: HISTORY_MESSAGE.baseline,
    fields: {
      eventId: null,
      kind: 'baseline',
      account: record.account,
      ...named(who.accountName),
      modelId: record.modelId,
      region: record.region,
      from: null,
      to: record.state,
      observedAt: record.since,
      previousSince: null,
      inPreviousStateMs: null,
      raw: record.raw,
    },
  };
}

/** The line of a transition the run claimed; `who` gives the account's name. */
export function transitionLine(event: TransitionEvent, who: HistoryAccount): GrantLine {
  return {
    level: 'info',
    message: HISTORY_MESSAGE.transition,
    fields: grantHistoryFields(event, who.accountName),
  };
}

/** The line of a check that failed: where, why, and what the error said. */
export function failedCheckLine(
  failure: CheckFailure,
  who: HistoryAccount,
  observedAt: string,
): CheckFailureLine {
  return {
    level: 'warn',
    message: HISTORY_MESSAGE.checkFailed,
    fields: {
      account: who.account,
      ...named(who.accountName),
      region: failure.region,
      modelId: failure.modelId,
      failureKind: failure.kind,
      errorName: failure.errorName,
      errorMessage: failure.message,
      observedAt,
    },
  };
}

/** Writes one history line, its fields at the top level of the structured line. */
export function writeHistoryLine(log: MonitorLog | undefined, line: HistoryLine): void {
  log?.[line.level](line.message, { ...line.fields });
}

function named(accountName: string | null | undefined): { accountName?: string } {
  return accountName === undefined || accountName === null ? {} : { accountName };
}

function elapsedMs(since: string | null, until: string): number | null {
  if (since === null) return null;
  const ms = Date.parse(until) - Date.parse(since);
  if (!Number.isInteger(ms)) {
    throw new RangeError(`Cannot take ${since} from ${until}: not two ISO-8601 times`);
  }
  return ms;
}
