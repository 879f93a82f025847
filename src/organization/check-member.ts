/**
 * One work message: the checks of one member account for one period. A message older than one
 * schedule period is skipped (the next period's supersedes it). The member's role is assumed
 * first; a role that cannot be assumed, or checks that are every one denied, make the account
 * unreachable for this period; either way its reachability is recorded (record-reachability.ts).
 */
import type { AvailabilitySource } from '../bedrock/availability-source.ts';
import type { CatalogSource } from '../catalog/catalog-source.ts';
import type { WatchedConfig } from '../config/watched-config.ts';
import { MemberAccessError } from '../errors.ts';
import { isTransitionEvent } from '../events/announced-event.ts';
import type { MonitorLog } from '../monitor/monitor-log.ts';
import { leaseCutoff, newClaimToken } from '../monitor/outbox.ts';
import { runCheck } from '../monitor/run-check.ts';
import type { RunSummary } from '../monitor/run-summary.ts';
import type { BusNotifier } from '../notify/eventbridge-publisher.ts';
import type { Notifier } from '../notify/notifier.ts';
import type { StateStore } from '../state/state-store.ts';
import type { Verifier } from '../verify/converse-verifier.ts';
import type { MemberCredentials } from './member-credentials.ts';
import { type ReachabilityDeps, recordReachability } from './record-reachability.ts';
import type { WorkMessage } from './work-message.ts';

export interface MemberCheckDeps {
  config: WatchedConfig;
  credentials: MemberCredentials;
  availabilityFor(account: string): AvailabilitySource;
  store: StateStore;
  notifier: Notifier;
  /**
   * The EventBridge bus, when one is set: every announced event goes there too, the account's
   * reachability events included.
   */
  eventBus?: BusNotifier;
  /** Verification calls for the hub's own account only: a member's model is invoked nowhere. */
  verifier?: Verifier;
  /**
   * The hub's ListFoundationModels, for the hub's own message only: lifecycle warnings and
   * unknown ids are the same in every account, announced once, not once per member.
   */
  catalog?: CatalogSource;
  hubAccount: string;
  reachability: Omit<ReachabilityDeps, 'confirm' | 'notify' | 'eventBus'>;
  schedulePeriodMs: number;
  deadline: number;
  outboxLeaseMs: number;
  log?: MonitorLog;
}

export type MemberCheckResult =
  | { outcome: 'stale'; ageMs: number }
  | { outcome: 'checked'; summary: RunSummary }
  | { outcome: 'unreachable'; reason: string; summary: RunSummary | undefined }
  /** AssumeRole failed for a reason that says nothing about access (throttled, ...). */
  | { outcome: 'failed'; reason: string };

export async function checkMember(
  deps: MemberCheckDeps,
  message: WorkMessage,
  nowMs: number,
): Promise<MemberCheckResult> {
  const scheduledAt = new Date(message.scheduledAt);
  const ageMs = Math.floor(nowMs - scheduledAt.getTime());
  if (ageMs > deps.schedulePeriodMs) return { outcome: 'stale', ageMs };

  const observed = {
    account: message.account,
    accountName: message.accountName,
    observedAt: scheduledAt.toISOString(),
  };
  const record = (reachable: { reachable: true } | { reachable: false; reason: string }) =>
    recordReachability(
      {
        ...deps.reachability,
        ...(deps.eventBus === undefined ? {} : { eventBus: deps.eventBus }),
        confirm: deps.config.confirmRevocation,
        notify: deps.config.notify,
      },
      { ...observed, ...reachable },
      {
        token: newClaimToken(),
        observedAt: observed.observedAt,
        leaseCutoff: leaseCutoff(scheduledAt, deps.outboxLeaseMs),
      },
    );

  try {
    await deps.credentials.credentialsFor(message.account);
  } catch (error) {
    if (!(error instanceof MemberAccessError)) throw error;
    if (!error.denied) return { outcome: 'failed', reason: error.message };
    await record({ reachable: false, reason: error.message });
    return { outcome: 'unreachable', reason: error.message, summary: undefined };
  }

  const withAccountName = (target: Notifier): Notifier => ({
    publish: (event) =>
      target.publish(
        isTransitionEvent(event) ? { ...event, accountName: message.accountName } : event,
      ),
  });
  const summary = await runCheck(
    {
      account: message.account,
      config: deps.config,
      availability: deps.availabilityFor(message.account),
      store: deps.store,
      // Notifications name the member account, with its Organizations name.
      notifier: withAccountName(deps.notifier),
      ...(deps.eventBus === undefined ? {} : { eventBus: withAccountName(deps.eventBus) }),
      ...(message.account === deps.hubAccount && deps.verifier !== undefined
        ? { verifier: deps.verifier }
        : {}),
      ...(message.account === deps.hubAccount && deps.catalog !== undefined
        ? { catalog: deps.catalog }
        : {}),
      deadline: deps.deadline,
      outboxLeaseMs: deps.outboxLeaseMs,
      ...(deps.log === undefined ? {} : { log: deps.log }),
    },
    scheduledAt,
  );
  // One answer is enough to call the account reachable; every check denied makes it
  // unreachable; checks that all failed otherwise (throttled, timed out) say nothing.
  if (summary.failures.length < summary.checks) {
    await record({ reachable: true });
    return { outcome: 'checked', summary };
  }
  const denied = summary.failures.filter((failure) => failure.kind === 'denied');
  if (summary.checks > 0 && denied.length === summary.checks) {
    const reason = `every check was denied (${denied[0]?.errorName ?? 'AccessDenied'}: ${denied[0]?.message ?? ''})`;
    await record({ reachable: false, reason });
    return { outcome: 'unreachable', reason, summary };
  }
  return { outcome: 'checked', summary };
}
