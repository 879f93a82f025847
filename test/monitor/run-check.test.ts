import { describe, expect, it } from 'vitest';
import type { WatchedConfig } from '../../src/config/watched-config.ts';
import { type MonitorDeps, runCheck } from '../../src/monitor/run-check.ts';
import { ACCOUNT } from '../support/fixtures.ts';
import { MemoryStateStore } from '../support/memory-state-store.ts';
import { RecordingNotifier } from '../support/recording-notifier.ts';
import { ScriptedAvailability } from '../support/scripted-availability.ts';

const TITAN = 'amazon.titan-text-express-v1';
const CLAUDE = 'anthropic.claude-3-sonnet-20240229-v1:0';
const CONFIG: WatchedConfig = {
  regions: ['us-east-1', 'us-west-2'],
  models: [{ id: TITAN }, { id: CLAUDE }],
  notify: ['ready', 'revoked', 'failed'],
  confirmRevocation: 2,
  lifecycleWarnings: [30, 7, 1],
  stuckAfter: '30m',
};

function setup() {
  const availability = new ScriptedAvailability();
  const store = new MemoryStateStore();
  const notifier = new RecordingNotifier();
  const deps: MonitorDeps = {
    account: ACCOUNT,
    config: CONFIG,
    availability,
    store,
    notifier,
    deadline: Date.now() + 60_000,
  };
  let minute = 0;
  const run = () => {
    minute += 5;
    return runCheck(deps, new Date(Date.UTC(2026, 10, 24, 10, minute)));
  };
  return { availability, store, notifier, deps, run };
}

describe('runCheck', () => {
  it('stores a baseline on the first run and announces nothing', async () => {
    const { store, notifier, run } = setup();

    const summary = await run();

    expect(summary.checks).toBe(4);
    expect(summary.transitions).toEqual([]);
    expect(notifier.published).toEqual([]);
    expect(store.records.size).toBe(4);
    expect(summary.states.ENABLED).toBe(4);
  });

  it('writes nothing and publishes nothing when nothing changed', async () => {
    const { store, notifier, run } = setup();
    await run();
    const writesAfterBaseline = store.writes;

    const summary = await run();

    expect(store.writes).toBe(writesAfterBaseline);
    expect(notifier.published).toEqual([]);
    expect(summary.transitions).toEqual([]);
  });

  it('publishes one notification per transition, writes history, and clears the outbox', async () => {
    const { availability, store, notifier, run } = setup();
    availability.set('us-west-2', CLAUDE, 'IN_PROGRESS');
    await run();
    availability.set('us-west-2', CLAUDE, 'ENABLED');

    const summary = await run();

    expect(summary.transitions.map((t) => [t.kind, t.region, t.modelId])).toEqual([
      ['ready', 'us-west-2', CLAUDE],
    ]);
    expect(notifier.published).toEqual(summary.transitions);
    expect(store.historyEvents).toEqual(summary.transitions);
    expect([...store.records.values()].every((r) => r.outbox.length === 0)).toBe(true);
    expect(summary.notifications).toEqual({ published: 1, failed: 0 });
  });

  it('keeps an UNKNOWN out of the state and reports the failure', async () => {
    const { availability, store, notifier, run } = setup();
    await run();
    const before = structuredClone([...store.records.values()]);
    availability.set('us-east-1', TITAN, { fail: 'server' });

    const summary = await run();

    expect(summary.states.UNKNOWN).toBe(1);
    expect(summary.failures).toEqual([
      {
        region: 'us-east-1',
        modelId: TITAN,
        kind: 'server',
        errorName: null,
        message: 'scripted server',
      },
    ]);
    expect([...store.records.values()]).toEqual(before);
    expect(notifier.published).toEqual([]);
  });

  it('does not let an UNKNOWN between two odd answers break the confirmation count', async () => {
    const { availability, notifier, run } = setup();
    await run();
    availability.set('us-east-1', TITAN, 'NOT_ENABLED');
    await run();
    availability.set('us-east-1', TITAN, { fail: 'throttled' });
    await run();
    expect(notifier.published).toEqual([]);
    availability.set('us-east-1', TITAN, 'NOT_ENABLED');

    await run();

    expect(notifier.published.map((e) => [e.kind, e.from, e.to])).toEqual([
      ['revoked', 'ENABLED', 'NOT_ENABLED'],
    ]);
  });

  it('does not revoke on one odd answer', async () => {
    const { availability, notifier, run } = setup();
    await run();
    availability.set('us-east-1', TITAN, 'NOT_ENABLED');
    await run();
    availability.set('us-east-1', TITAN, 'ENABLED');

    const summary = await run();

    expect(summary.transitions).toEqual([]);
    expect(notifier.published).toEqual([]);
  });

  it('keeps a failed notification in the outbox and publishes it once in a later run', async () => {
    const { availability, store, notifier, deps, run } = setup();
    availability.set('us-east-1', TITAN, 'IN_PROGRESS');
    await run();
    availability.set('us-east-1', TITAN, 'ENABLED');
    notifier.failNext = 1;

    const failed = await run();
    expect(failed.notifications).toEqual({ published: 0, failed: 1 });
    expect(store.records.get(`${ACCOUNT}#us-east-1#${TITAN}`)?.outbox).toHaveLength(1);

    // Within the lease the entry still belongs to the run that claimed it.
    await runCheck(
      { ...deps, outboxLeaseMs: 60 * 60_000 },
      new Date(Date.UTC(2026, 10, 24, 10, 12)),
    );
    expect(notifier.published).toEqual([]);

    const retried = await run();
    await run();

    expect(retried.notifications).toEqual({ published: 1, failed: 0 });
    expect(notifier.published.map((e) => e.kind)).toEqual(['ready']);
    expect(notifier.published[0]?.eventId).toBe(failed.transitions[0]?.eventId);
    expect(store.records.get(`${ACCOUNT}#us-east-1#${TITAN}`)?.outbox).toEqual([]);
  });

  it('publishes exactly once when five runs overlap on the same transition', async () => {
    const { availability, store, notifier, deps } = setup();
    availability.set('us-east-1', TITAN, 'IN_PROGRESS');
    await runCheck(deps, new Date(Date.UTC(2026, 10, 24, 10, 0)));
    availability.set('us-east-1', TITAN, 'ENABLED');
    const release = availability.hold();

    const runs = Array.from({ length: 5 }, () =>
      runCheck(deps, new Date(Date.UTC(2026, 10, 24, 10, 5))),
    );
    await new Promise((resolve) => setTimeout(resolve, 10));
    release();
    const summaries = await Promise.all(runs);

    expect(notifier.published).toHaveLength(1);
    expect(summaries.reduce((sum, s) => sum + s.transitions.length, 0)).toBe(1);
    expect(summaries.reduce((sum, s) => sum + s.conflicts, 0)).toBe(4);
    expect(store.historyEvents).toHaveLength(1);
  });

  it('does not deliver an entry another run is still delivering, even at the same millisecond', async () => {
    const { availability, store, notifier, deps } = setup();
    availability.set('us-east-1', TITAN, 'IN_PROGRESS');
    await runCheck(deps, new Date(Date.UTC(2026, 10, 24, 10, 0)));
    availability.set('us-east-1', TITAN, 'ENABLED');
    // Run A claims the ready transition and is slow to publish it.
    let releasePublish = () => {};
    const slowNotifier = {
      async publish(event: Parameters<typeof notifier.publish>[0]) {
        await new Promise<void>((resolve) => {
          releasePublish = resolve;
        });
        await notifier.publish(event);
      },
    };
    const same = new Date(Date.UTC(2026, 10, 24, 10, 5));
    const runA = runCheck({ ...deps, notifier: slowNotifier }, same);
    await new Promise((resolve) => setTimeout(resolve, 10));
    // Run B, at the same millisecond, sees the first odd answer of a revocation and writes it.
    const otherAnswers = new ScriptedAvailability().set('us-east-1', TITAN, 'NOT_ENABLED');

    const runB = await runCheck({ ...deps, availability: otherAnswers }, same);
    releasePublish();
    await runA;

    expect(runB.notifications).toEqual({ published: 0, failed: 0 });
    expect(notifier.published.map((e) => e.kind)).toEqual(['ready']);
    expect(store.records.get(`${ACCOUNT}#us-east-1#${TITAN}`)?.outbox).toEqual([]);
  });

  it('records a transition the config does not publish in history only', async () => {
    const { availability, store, notifier, run } = setup();
    availability.set('us-east-1', TITAN, 'NOT_ENABLED');
    await run();
    availability.set('us-east-1', TITAN, 'IN_PROGRESS');

    const summary = await run();

    expect(summary.transitions.map((t) => t.kind)).toEqual(['requested']);
    expect(notifier.published).toEqual([]);
    expect(store.historyEvents.map((e) => e.kind)).toEqual(['requested']);
  });
});
