import { describe, expect, it } from 'vitest';
import type { DeliveryTarget } from '../../src/grants/pair-record.ts';
import {
  type DeliveryChannel,
  publishToOwedTargets,
  settleDelivery,
  type TargetsOutcome,
} from '../../src/monitor/owed-targets.ts';

interface Event {
  eventId: string;
}
const EVENT: Event = { eventId: 'event-1' };

/** A target that records what it got and answers with `answer` (a thrown error, or none). */
function channel(target: DeliveryTarget, answer?: () => Error) {
  const received: Event[] = [];
  const channel: DeliveryChannel<Event> = {
    target,
    publish: async (event) => {
      const error = answer?.();
      if (error !== undefined) throw error;
      received.push(event);
    },
  };
  return { channel, received };
}

function recordingLog() {
  const warnings: Array<{ message: string; fields?: Record<string, unknown> }> = [];
  return {
    warnings,
    log: {
      info: () => undefined,
      warn: (message: string, fields?: Record<string, unknown>) =>
        void warnings.push({ message, ...(fields === undefined ? {} : { fields }) }),
    },
  };
}

describe('publishToOwedTargets', () => {
  it('publishes to every target, in order, and tells which accepted', async () => {
    const sns = channel('sns');
    const bus = channel('eventbridge');

    const outcome = await publishToOwedTargets(EVENT, undefined, [sns.channel, bus.channel]);

    expect(outcome).toEqual({ accepted: ['sns', 'eventbridge'], failed: [], defects: [] });
    expect(sns.received).toEqual([EVENT]);
    expect(bus.received).toEqual([EVENT]);
  });

  it('does not send again to a target that already accepted the event', async () => {
    const sns = channel('sns');
    const bus = channel('eventbridge');

    const outcome = await publishToOwedTargets(EVENT, ['sns'], [sns.channel, bus.channel]);

    expect(outcome).toEqual({ accepted: ['eventbridge'], failed: [], defects: [] });
    expect(sns.received).toEqual([]);
    expect(bus.received).toEqual([EVENT]);
  });

  it('counts a target that refused as failed, logs it by name, and still tries the next', async () => {
    const sns = channel('sns', () => new Error('topic unreachable'));
    const bus = channel('eventbridge');
    const { log, warnings } = recordingLog();

    const outcome = await publishToOwedTargets(EVENT, [], [sns.channel, bus.channel], log);

    expect(outcome).toEqual({ accepted: ['eventbridge'], failed: ['sns'], defects: [] });
    expect(warnings).toEqual([
      {
        message: 'Notification failed; it stays in the outbox for the next run',
        fields: { eventId: 'event-1', target: 'sns', error: 'topic unreachable' },
      },
    ]);
  });

  it('keeps a programming error apart, as a defect, never as a failed target', async () => {
    const defect = new TypeError("Cannot read properties of undefined (reading 'kind')");
    const sns = channel('sns');
    const bus = channel('eventbridge', () => defect);
    const { log, warnings } = recordingLog();

    const outcome = await publishToOwedTargets(EVENT, undefined, [sns.channel, bus.channel], log);

    expect(outcome).toEqual({ accepted: ['sns'], failed: [], defects: [defect] });
    expect(warnings).toEqual([]);
  });
});

describe('settleDelivery', () => {
  const entry = { event: EVENT, claimToken: 'run-a', delivered: ['sns'] as DeliveryTarget[] };

  function store(updates = true) {
    const calls: Array<string | typeof entry> = [];
    return {
      calls,
      store: {
        update: async (updated: typeof entry) => {
          calls.push(updated);
          return updates;
        },
        remove: async () => void calls.push('removed'),
      },
    };
  }
  const outcome = (change: Partial<TargetsOutcome>): TargetsOutcome => ({
    accepted: [],
    failed: [],
    defects: [],
    ...change,
  });

  it('removes the entry once every owed target accepted it', async () => {
    const { store: target, calls } = store();
    expect(await settleDelivery(entry, outcome({ accepted: ['eventbridge'] }), target)).toBe(
      'removed',
    );
    expect(calls).toEqual(['removed']);
  });

  it('records the targets that accepted beside those already recorded, when one failed', async () => {
    const { store: target, calls } = store();
    const partial = { ...entry, delivered: [] };
    expect(
      await settleDelivery(
        partial,
        outcome({ accepted: ['sns'], failed: ['eventbridge'] }),
        target,
      ),
    ).toBe('kept');
    expect(calls).toEqual([{ ...entry, delivered: ['sns'] }]);
  });

  it('keeps the entry unwritten when no target accepted, and for a defect too', async () => {
    const { store: target, calls } = store();
    expect(await settleDelivery(entry, outcome({ failed: ['eventbridge'] }), target)).toBe('kept');
    expect(await settleDelivery(entry, outcome({ defects: [new RangeError('x')] }), target)).toBe(
      'kept',
    );
    expect(calls).toEqual([]);
  });

  it('tells when the claim was lost before the accepted targets could be recorded', async () => {
    const { store: target } = store(false);
    const partial = { ...entry, delivered: [] };
    expect(
      await settleDelivery(
        partial,
        outcome({ accepted: ['sns'], failed: ['eventbridge'] }),
        target,
      ),
    ).toBe('lost');
  });
});
