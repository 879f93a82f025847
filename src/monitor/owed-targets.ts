/**
 * Delivery of one outbox entry to its targets, tracked per target (DESIGN.md, invariants 1 and
 * 2), for every outbox alike: a pair's (outbox.ts) and a member account's reachability
 * (organization/record-reachability.ts). A target that already accepted the event is not sent
 * it again; an entry every owed target accepted is removed; otherwise the targets that accepted
 * are recorded on the entry, under the run's claim, and the entry waits for a later run.
 */
import type { DeliveryTarget } from '../grants/pair-record.ts';
import type { MonitorLog } from './monitor-log.ts';

/** One target and how to publish to it, tried in the order given. */
export interface DeliveryChannel<E> {
  target: DeliveryTarget;
  publish(event: E): Promise<void>;
}

interface Publisher<E> {
  publish(event: E): Promise<void>;
}

/** The targets of every outbox, in the order they are tried: SNS, then the bus when one is set. */
export function deliveryChannels<E>(
  sns: Publisher<E>,
  eventBus: Publisher<E> | undefined,
): Array<DeliveryChannel<E>> {
  const channel = (target: DeliveryTarget, publisher: Publisher<E>) => ({
    target,
    publish: (event: E) => publisher.publish(event),
  });
  return [
    channel('sns', sns),
    ...(eventBus === undefined ? [] : [channel('eventbridge', eventBus)]),
  ];
}

export interface TargetsOutcome {
  /** The targets that accepted the event now. */
  accepted: DeliveryTarget[];
  /** The targets that refused it or could not be reached; they are owed it still. */
  failed: DeliveryTarget[];
  /** Programming errors met while publishing: the run fails once everything else is saved. */
  defects: unknown[];
}

/** Publishes `event` to each of `targets` not in `alreadyDelivered`, and tells how each went. */
export async function publishToOwedTargets<E extends { eventId: string }>(
  event: E,
  alreadyDelivered: readonly DeliveryTarget[] | undefined,
  targets: readonly DeliveryChannel<E>[],
  log?: MonitorLog,
): Promise<TargetsOutcome> {
  const outcome: TargetsOutcome = { accepted: [], failed: [], defects: [] };
  for (const { target, publish } of targets) {
    if (alreadyDelivered?.includes(target)) continue;
    try {
      await publish(event);
      outcome.accepted.push(target);
    } catch (error) {
      // A bug of ours (rendering, say) is a defect, never a target that was down; the event
      // stays in the outbox either way.
      if (isProgrammingError(error)) {
        outcome.defects.push(error);
        continue;
      }
      outcome.failed.push(target);
      log?.warn('Notification failed; it stays in the outbox for the next run', {
        eventId: event.eventId,
        target,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return outcome;
}

/** How an entry's delivery was settled in its store. */
export type Settled = 'removed' | 'kept' | 'lost';

/**
 * Removes the entry when every owed target accepted it; otherwise records the targets that
 * accepted it now (`update` is conditional on the entry's claim: false, 'lost', means another
 * run took the claim over, and it sends to the targets it finds still owed).
 */
export async function settleDelivery<T extends { delivered?: DeliveryTarget[] }>(
  entry: T,
  outcome: TargetsOutcome,
  store: { update(entry: T): Promise<boolean>; remove(): Promise<void> },
): Promise<Settled> {
  if (outcome.failed.length === 0 && outcome.defects.length === 0) {
    await store.remove();
    return 'removed';
  }
  if (outcome.accepted.length === 0) return 'kept';
  const delivered = [...(entry.delivered ?? []), ...outcome.accepted];
  return (await store.update({ ...entry, delivered })) ? 'kept' : 'lost';
}

export function isProgrammingError(error: unknown): boolean {
  return (
    error instanceof TypeError || error instanceof RangeError || error instanceof ReferenceError
  );
}
