import type { TransitionEvent } from '../../src/grants/types.ts';
import type { Notifier } from '../../src/notify/notifier.ts';

/** A Notifier that keeps what it published and can be told to fail the next publishes. */
export class RecordingNotifier implements Notifier {
  readonly published: TransitionEvent[] = [];
  failNext = 0;

  async publish(event: TransitionEvent): Promise<void> {
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('SNS is down');
    }
    this.published.push(event);
  }
}
