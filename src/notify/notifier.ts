import type { TransitionEvent } from '../grants/types.ts';

/** Sends one notification per transition: SNS in the Lambda, the console in the CLI. */
export interface Notifier {
  /** Rejects when the notification did not go out; the event then stays in the outbox. */
  publish(event: TransitionEvent): Promise<void>;
}
