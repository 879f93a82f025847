import type { AnnouncedEvent } from '../events/announced-event.ts';

/**
 * Sends one announced event to one delivery target: SNS (or the console in the CLI), or an
 * EventBridge bus. The outbox tracks each target apart.
 */
export interface Notifier {
  /** Rejects when the event did not go out; it then stays in the outbox for this target. */
  publish(event: AnnouncedEvent): Promise<void>;
}
