/**
 * One period's reachability of a member account, decided (reachability.ts), claimed with the
 * same conditional write and outbox as a pair's transition (monitor/outbox.ts), and delivered
 * as a pair's event is (monitor/owed-targets.ts): when `notify` names its kind, to the SNS topic
 * and, when a bus is set, to the EventBridge bus, each target tracked apart; then removed from
 * the outbox. A target that failed leaves the event in the outbox, under this run's claim, with
 * the targets that accepted it, for a later period to take over and send to the others only.
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { describeError, NotificationError } from '../errors.ts';
import type { EventKind } from '../events/event-kinds.ts';
import type { MonitorLog } from '../monitor/monitor-log.ts';
import { type Claimant, claimWrite } from '../monitor/outbox.ts';
import { deliveryChannels, publishToOwedTargets, settleDelivery } from '../monitor/owed-targets.ts';
import type { AccountStatusStore } from '../state/dynamodb-account-status.ts';
import type { AccountEvent } from './account-event.ts';
import { decideReachability, type ReachabilityObservation } from './reachability.ts';
import { renderAccountNotification } from './render-account-event.ts';

export interface AccountEventPublisher {
  publish(event: AccountEvent): Promise<void>;
}

export function createAccountEventPublisher(
  client: () => SNSClient,
  topicArn: string,
): AccountEventPublisher {
  return {
    async publish(event) {
      try {
        await client().send(
          new PublishCommand({ TopicArn: topicArn, ...renderAccountNotification(event) }),
        );
      } catch (error) {
        if (error instanceof TypeError || error instanceof RangeError) throw error;
        throw new NotificationError(
          `SNS did not accept the ${event.kind} notification for account ${event.account} (event ${event.eventId}, topic ${topicArn}): ${describeError(error)}`,
          { cause: error },
        );
      }
    },
  };
}

export interface ReachabilityDeps {
  store: AccountStatusStore;
  /** The SNS topic, with the account events' own rendering (render-account-event.ts). */
  publisher: AccountEventPublisher;
  /** The EventBridge bus, when one is set; none: account events go to `publisher` only. */
  eventBus?: AccountEventPublisher;
  notify: readonly EventKind[];
  confirm: number;
  log?: MonitorLog;
}

export interface ReachabilityReport {
  /** The event this period decided, delivered or waiting in the outbox. */
  decided: AccountEvent | undefined;
  published: number;
  failed: number;
}

const MAX_ROUNDS = 3;

export async function recordReachability(
  deps: ReachabilityDeps,
  observation: ReachabilityObservation,
  claimant: Claimant,
): Promise<ReachabilityReport> {
  const report: ReachabilityReport = { decided: undefined, published: 0, failed: 0 };
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    const previous = await deps.store.load(observation.account);
    const decision = decideReachability(previous, observation, deps.confirm);
    const claim = claimWrite(previous, decision, claimant);
    if (claim === undefined) return report;
    // Lost to another worker handling the same account: decide again on what it stored.
    if (!(await deps.store.write(claim.record, claim.expectedVersion))) continue;
    report.decided = decision.event;
    const defects: unknown[] = [];
    for (const entry of claim.record.outbox) {
      if (!claim.owned.includes(entry.event.eventId)) continue;
      const event = entry.event;
      deps.log?.info('Account reachability changed', { ...event });
      const targets = deps.notify.includes(event.kind)
        ? deliveryChannels(deps.publisher, deps.eventBus)
        : [];
      const outcome = await publishToOwedTargets(event, entry.delivered, targets, deps.log);
      report.published += outcome.accepted.length;
      report.failed += outcome.failed.length;
      defects.push(...outcome.defects);
      await settleDelivery(entry, outcome, {
        update: (updated) => deps.store.updateOutboxEntry(observation.account, updated),
        remove: () => deps.store.removeFromOutbox(observation.account, event.eventId),
      });
    }
    // A bug of ours fails the invocation, once the targets that accepted are recorded.
    if (defects.length > 0) throw defects[0];
    return report;
  }
  return report;
}
