import { describe, expect, it } from 'vitest';
import type { OutboxEntry, PairRecord } from '../../src/grants/pair-record.ts';
import {
  TRANSITION_EVENT_SCHEMA,
  type TransitionEvent,
  type TransitionKind,
  type VerificationResult,
} from '../../src/grants/types.ts';
import {
  type Claim,
  type Claimant,
  claimWrite,
  type DeliveryDeps,
  deliverClaimed,
  leaseCutoff,
  withVerification,
} from '../../src/monitor/outbox.ts';
import type { Verifier } from '../../src/verify/converse-verifier.ts';
import { ENABLED_RAW, record } from '../support/fixtures.ts';
import { MemoryStateStore } from '../support/memory-state-store.ts';
import { RecordingNotifier } from '../support/recording-notifier.ts';

const NOW = '2026-11-24T12:00:00.000Z';
const CLAIMANT: Claimant = {
  token: 'run-a',
  observedAt: NOW,
  leaseCutoff: '2026-11-24T11:57:00.000Z',
};

function event(kind: TransitionKind, id: string, observedAt = NOW): TransitionEvent {
  return {
    schema: TRANSITION_EVENT_SCHEMA,
    eventId: id,
    kind,
    account: '123456789012',
    modelId: 'amazon.titan-text-express-v1',
    region: 'us-east-1',
    from: 'IN_PROGRESS',
    to: 'ENABLED',
    observedAt,
    previousSince: null,
    raw: ENABLED_RAW,
  };
}

const entry = (id: string, claimedAt: string, claimToken = 'run-old'): OutboxEntry => ({
  event: event('ready', id, claimedAt),
  claimedAt,
  claimToken,
});

const denied: VerificationResult = {
  ok: false,
  via: 'amazon.titan-text-express-v1',
  cause: 'iam-policy',
  category: 'iam',
  lasting: true,
  explanation: 'No identity-based policy allows bedrock:InvokeModel.',
  nextStep: 'Allow bedrock:InvokeModel on the model.',
  errorName: 'AccessDeniedException',
  message: 'User: ... is not authorized to perform: bedrock:InvokeModel',
};

describe('claimWrite', () => {
  it('adds the new event under this run’s claim, in the write that stores the new state', () => {
    const previous = record({ state: 'IN_PROGRESS', version: 3 });
    const next = record({ state: 'ENABLED', version: 4 });
    const ready = event('ready', 'e-1');

    const claim = claimWrite(previous, { next, event: ready }, CLAIMANT);

    expect(claim).toEqual({
      record: { ...next, outbox: [{ event: ready, claimedAt: NOW, claimToken: 'run-a' }] },
      expectedVersion: 3,
      owned: ['e-1'],
    });
  });

  it('takes over lapsed claims and leaves live ones to the run that holds them', () => {
    const lapsed = entry('e-old', '2026-11-24T11:50:00.000Z');
    const live = entry('e-live', '2026-11-24T11:58:00.000Z');
    const previous = record({ version: 7, outbox: [lapsed, live] });

    const claim = claimWrite(previous, {}, CLAIMANT);

    expect(claim?.owned).toEqual(['e-old']);
    expect(claim?.expectedVersion).toBe(7);
    expect(claim?.record.version).toBe(8);
    expect(claim?.record.outbox).toEqual([
      { ...lapsed, claimedAt: NOW, claimToken: 'run-a' },
      live,
    ]);
  });

  it('writes nothing for an unchanged pair with nothing owed', () => {
    const live = entry('e-live', '2026-11-24T11:58:00.000Z');

    expect(claimWrite(record({ outbox: [live] }), {}, CLAIMANT)).toBeUndefined();
    expect(claimWrite(undefined, {}, CLAIMANT)).toBeUndefined();
  });

  it('stores a baseline with an empty outbox, expecting no stored item', () => {
    const baseline = record({ version: 1 });

    expect(claimWrite(undefined, { next: baseline }, CLAIMANT)).toEqual({
      record: baseline,
      expectedVersion: 0,
      owned: [],
    });
  });
});

describe('leaseCutoff', () => {
  it('is the observation instant less the lease', () => {
    expect(leaseCutoff(new Date(NOW), 150_001)).toBe('2026-11-24T11:57:29.999Z');
  });

  it('refuses a lease that is not a whole number of milliseconds', () => {
    expect(() => leaseCutoff(new Date(NOW), 29_996.75)).toThrow(RangeError);
  });
});

describe('withVerification', () => {
  it('keeps ready and records a successful call', () => {
    const verified = withVerification(event('ready', 'e-1'), { ok: true, via: 'x', latencyMs: 4 });

    expect(verified).toMatchObject({ kind: 'ready', verification: { ok: true, latencyMs: 4 } });
  });

  it('turns ready into blocked when the call fails for a lasting cause', () => {
    expect(withVerification(event('ready', 'e-1'), denied)).toMatchObject({
      kind: 'blocked',
      eventId: 'e-1',
      verification: denied,
    });
  });

  it('keeps ready, with the failure shown, when the cause passes', () => {
    const transient = { ...denied, cause: 'transient', lasting: false };

    expect(withVerification(event('ready', 'e-1'), transient)).toMatchObject({
      kind: 'ready',
      verification: transient,
    });
  });
});

describe('deliverClaimed', () => {
  async function claimed(store: MemoryStateStore, kind: TransitionKind = 'ready') {
    const previous = record({ state: 'IN_PROGRESS', version: 1 });
    await store.write([{ record: previous, expectedVersion: 0 }]);
    const claim = claimWrite(
      previous,
      { next: record({ version: 2 }), event: event(kind, 'e-1') },
      CLAIMANT,
    ) as Claim;
    expect(await store.write([{ record: claim.record, expectedVersion: 1 }])).toEqual([true]);
    return claim;
  }

  function countingVerifier(result: VerificationResult | Error) {
    const calls: string[] = [];
    const verifier: Verifier = {
      async verify(target) {
        calls.push(target.via);
        if (result instanceof Error) throw result;
        return result;
      },
    };
    return { calls, verifier };
  }

  function deps(store: MemoryStateStore, change: Partial<DeliveryDeps> = {}): DeliveryDeps {
    return {
      store,
      notifier: new RecordingNotifier(),
      notify: new Set<TransitionKind>(['ready', 'revoked', 'failed', 'blocked']),
      verificationTarget: () => undefined,
      deadline: Date.now() + 60_001,
      ...change,
    };
  }

  const stored = (store: MemoryStateStore): PairRecord =>
    [...store.records.values()][0] as PairRecord;

  it('writes the history, publishes, and clears the entry', async () => {
    const store = new MemoryStateStore();
    const notifier = new RecordingNotifier();
    const claim = await claimed(store);

    const report = await deliverClaimed([claim], deps(store, { notifier }));

    expect(report).toMatchObject({ published: 1, failed: 0, deferred: 0, lost: 0, defects: [] });
    expect(notifier.published.map((e) => e.eventId)).toEqual(['e-1']);
    expect(store.historyEvents.map((e) => e.eventId)).toEqual(['e-1']);
    expect(stored(store).outbox).toEqual([]);
  });

  it('writes a kind the config does not publish to the history only', async () => {
    const store = new MemoryStateStore();
    const notifier = new RecordingNotifier();
    const claim = await claimed(store, 'requested');

    const report = await deliverClaimed([claim], deps(store, { notifier }));

    expect(report.published).toBe(0);
    expect(notifier.published).toEqual([]);
    expect(store.historyEvents.map((e) => e.kind)).toEqual(['requested']);
    expect(stored(store).outbox).toEqual([]);
  });

  it('keeps an event whose publish failed in the outbox, with its verification, for the next run', async () => {
    const store = new MemoryStateStore();
    const notifier = new RecordingNotifier();
    notifier.failNext = 1;
    const { calls, verifier } = countingVerifier(denied);
    const claim = await claimed(store);

    const report = await deliverClaimed(
      [claim],
      deps(store, { notifier, verifier, verificationTarget: (id) => id }),
    );

    expect(report).toMatchObject({ published: 0, failed: 1 });
    expect(calls).toHaveLength(1);
    expect(stored(store).outbox).toEqual([
      expect.objectContaining({
        claimToken: 'run-a',
        event: expect.objectContaining({ kind: 'blocked', verification: denied }),
      }),
    ]);
  });

  it('does not verify twice: a later delivery of a verified entry makes no call', async () => {
    const store = new MemoryStateStore();
    const notifier = new RecordingNotifier();
    const { calls, verifier } = countingVerifier(denied);
    const claim = await claimed(store);
    const verified = { ...claim, record: stored(store) };
    verified.record.outbox = verified.record.outbox.map((e) => ({
      ...e,
      event: withVerification(e.event as TransitionEvent, denied),
    }));

    await deliverClaimed(
      [verified],
      deps(store, { notifier, verifier, verificationTarget: (id) => id }),
    );

    expect(calls).toEqual([]);
    expect(notifier.published.map((e) => e.kind)).toEqual(['blocked']);
  });

  it('leaves an event whose verification cannot start before the deadline to the next run', async () => {
    const store = new MemoryStateStore();
    const notifier = new RecordingNotifier();
    const { calls, verifier } = countingVerifier({ ok: true, via: 'x', latencyMs: 3 });
    const claim = await claimed(store);

    const report = await deliverClaimed(
      [claim],
      deps(store, {
        notifier,
        verifier,
        verificationTarget: (id) => id,
        deadline: Date.now() + 997,
      }),
    );

    expect(report).toMatchObject({ deferred: 1, published: 0 });
    expect(calls).toEqual([]);
    expect(notifier.published).toEqual([]);
    expect(store.historyEvents).toEqual([]);
    expect(stored(store).outbox.map((e) => e.event.eventId)).toEqual(['e-1']);
  });

  it('reports a defect of the verifier and leaves the event in the outbox', async () => {
    const store = new MemoryStateStore();
    const notifier = new RecordingNotifier();
    const defect = new TypeError("Cannot read properties of undefined (reading 'via')");
    const { verifier } = countingVerifier(defect);
    const claim = await claimed(store);

    const report = await deliverClaimed(
      [claim],
      deps(store, { notifier, verifier, verificationTarget: (id) => id }),
    );

    expect(report.defects).toEqual([defect]);
    expect(notifier.published).toEqual([]);
    expect(stored(store).outbox.map((e) => e.event.eventId)).toEqual(['e-1']);
  });

  it('delivers nothing of a claim another run took over while this one verified', async () => {
    const store = new MemoryStateStore();
    const notifier = new RecordingNotifier();
    const claim = await claimed(store);
    const verifier: Verifier = {
      async verify() {
        const current = stored(store);
        const taken = current.outbox.map((e) => ({ ...e, claimToken: 'run-b' }));
        await store.write([
          {
            record: { ...current, outbox: taken, version: current.version + 1 },
            expectedVersion: current.version,
          },
        ]);
        return { ok: true, via: 'x', latencyMs: 2 };
      },
    };

    const report = await deliverClaimed(
      [claim],
      deps(store, { notifier, verifier, verificationTarget: (id) => id }),
    );

    expect(report).toMatchObject({ lost: 1, published: 0 });
    expect(notifier.published).toEqual([]);
  });
});
