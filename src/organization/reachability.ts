/**
 * Whether a member account can be checked, decided period by period like a revocation: one
 * period without access is not announced; `confirm` periods in a row are, once, as
 * `account-unreachable`; the first period with access after that is `account-reachable`. A
 * period already counted (a redelivered work message observes at the same instant) or older
 * than the last one counted (out of order) changes nothing. A transient failure is no
 * observation at all: the caller does not decide on it.
 */
import type { OutboxEntry } from '../grants/pair-record.ts';
import { type AccountEvent, accountEvent } from './account-event.ts';

/** What is stored about one member account; `version` and `outbox` as for a pair (outbox.ts). */
export interface AccountStatus {
  account: string;
  accountName: string | null;
  reachable: boolean;
  /** Since when `reachable` holds (ISO-8601 UTC). */
  since: string;
  /** The reason it was last unreachable; null while it never was. */
  reason: string | null;
  /** Periods without access not yet enough to announce, while reachable. */
  streak: { count: number; firstObservedAt: string; reason: string } | null;
  /** The last period this record counted. */
  lastObservedAt: string;
  version: number;
  outbox: Array<OutboxEntry<AccountEvent>>;
}

interface ObservedAccount {
  account: string;
  accountName: string | null;
  /** The period's scheduled time (ISO-8601 UTC). */
  observedAt: string;
}

export type ReachabilityObservation =
  | (ObservedAccount & { reachable: true })
  | (ObservedAccount & { reachable: false; reason: string });

export interface ReachabilityDecision {
  next?: AccountStatus;
  event?: AccountEvent;
}

export function decideReachability(
  previous: AccountStatus | undefined,
  observation: ReachabilityObservation,
  confirm: number,
): ReachabilityDecision {
  const { observedAt, accountName } = observation;
  if (previous !== undefined && observedAt <= previous.lastObservedAt) return {};
  const base: AccountStatus = previous ?? {
    account: observation.account,
    accountName,
    reachable: true,
    since: observedAt,
    reason: null,
    streak: null,
    lastObservedAt: observedAt,
    version: 0,
    outbox: [],
  };
  // Every write bumps the version, the condition that lets only one overlapping worker win.
  const named = {
    ...base,
    accountName: accountName ?? base.accountName,
    lastObservedAt: observedAt,
    version: (previous?.version ?? 0) + 1,
  };
  if (observation.reachable) {
    if (previous === undefined) return { next: named };
    if (!previous.reachable) {
      const next = { ...named, reachable: true, since: observedAt, streak: null };
      return {
        next,
        event: accountEvent({
          kind: 'account-reachable',
          account: previous.account,
          accountName: next.accountName,
          observedAt,
          since: previous.since,
          reason: previous.reason ?? 'unknown',
        }),
      };
    }
    return previous.streak === null ? {} : { next: { ...named, streak: null } };
  }
  if (previous !== undefined && !previous.reachable) return {};
  const streak = {
    count: (base.streak?.count ?? 0) + 1,
    firstObservedAt: base.streak?.firstObservedAt ?? observedAt,
    reason: observation.reason,
  };
  if (streak.count < confirm) return { next: { ...named, streak } };
  const next: AccountStatus = {
    ...named,
    reachable: false,
    since: streak.firstObservedAt,
    reason: observation.reason,
    streak: null,
  };
  return {
    next,
    event: accountEvent({
      kind: 'account-unreachable',
      account: next.account,
      accountName: next.accountName,
      observedAt,
      since: streak.firstObservedAt,
      reason: observation.reason,
    }),
  };
}
