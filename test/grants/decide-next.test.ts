import { describe, expect, it } from 'vitest';
import {
  type DecisionRules,
  decideNext,
  type ObservedState,
} from '../../src/grants/decide-next.ts';
import type { PairRecord } from '../../src/grants/pair-record.ts';
import { classifyTransition } from '../../src/grants/transition-kind.ts';
import type { GrantState, TransitionKind } from '../../src/grants/types.ts';

const RAW = {
  agreement: 'AVAILABLE',
  agreementError: null,
  authorization: 'AUTHORIZED',
  entitlement: 'AVAILABLE',
  region: 'AVAILABLE',
};
const RULES: DecisionRules = {
  confirmRevocation: 2,
  notify: new Set<TransitionKind>(['ready', 'revoked', 'failed']),
};

const observe = (state: GrantState, observedAt = '2026-11-24T10:05:00.000Z'): ObservedState => ({
  account: '123456789012',
  region: 'us-east-1',
  modelId: 'amazon.titan-text-express-v1',
  state,
  raw: RAW,
  notFound: null,
  observedAt,
});

const stored = (state: GrantState, change: Partial<PairRecord> = {}): PairRecord => ({
  account: '123456789012',
  region: 'us-east-1',
  modelId: 'amazon.titan-text-express-v1',
  state,
  since: '2026-11-24T09:00:00.000Z',
  raw: RAW,
  notFound: null,
  pendingRevocation: null,
  version: 3,
  outbox: [],
  ...change,
});

describe('classifyTransition', () => {
  // DESIGN.md: ready, revoked, failed, requested, changed, decided in that order.
  const rows: Array<[GrantState, GrantState, TransitionKind]> = [
    ['NOT_ENABLED', 'ENABLED', 'ready'],
    ['IN_PROGRESS', 'ENABLED', 'ready'],
    ['FAILED', 'ENABLED', 'ready'],
    ['NOT_OFFERED', 'ENABLED', 'ready'],
    ['ENABLED', 'NOT_ENABLED', 'revoked'],
    ['ENABLED', 'FAILED', 'revoked'],
    ['ENABLED', 'IN_PROGRESS', 'revoked'],
    ['ENABLED', 'NOT_AUTHORIZED', 'revoked'],
    ['ENABLED', 'NOT_OFFERED', 'revoked'],
    ['IN_PROGRESS', 'FAILED', 'failed'],
    ['NOT_ENABLED', 'FAILED', 'failed'],
    ['NOT_ENABLED', 'IN_PROGRESS', 'requested'],
    ['FAILED', 'IN_PROGRESS', 'requested'],
    ['IN_PROGRESS', 'NOT_ENABLED', 'changed'],
    ['NOT_OFFERED', 'NOT_ENABLED', 'changed'],
    ['NOT_ENABLED', 'NOT_AUTHORIZED', 'changed'],
  ];
  it.each(rows)('%s -> %s is %s', (from, to, kind) => {
    expect(classifyTransition(from, to)).toBe(kind);
  });
});

describe('decideNext', () => {
  it('stores a first sighting as a baseline and announces nothing', () => {
    const decision = decideNext(undefined, observe('ENABLED'), RULES);

    expect(decision.type).toBe('baseline');
    if (decision.type !== 'baseline') return;
    expect(decision.next).toMatchObject({
      state: 'ENABLED',
      since: '2026-11-24T10:05:00.000Z',
      version: 1,
      outbox: [],
    });
  });

  it('writes nothing when the state is the same as stored', () => {
    expect(decideNext(stored('IN_PROGRESS'), observe('IN_PROGRESS'), RULES)).toEqual({
      type: 'unchanged',
    });
  });

  it('announces ready at once, with the event DESIGN.md fixes, and puts it in the outbox', () => {
    const decision = decideNext(stored('IN_PROGRESS'), observe('ENABLED'), RULES);

    expect(decision.type).toBe('transition');
    if (decision.type !== 'transition') return;
    expect(decision.event).toMatchObject({
      schema: 'bedrock-access-monitor/transition/v1',
      kind: 'ready',
      account: '123456789012',
      modelId: 'amazon.titan-text-express-v1',
      region: 'us-east-1',
      from: 'IN_PROGRESS',
      to: 'ENABLED',
      observedAt: '2026-11-24T10:05:00.000Z',
      previousSince: '2026-11-24T09:00:00.000Z',
      raw: RAW,
    });
    expect(decision.event.eventId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    expect(decision.next).toMatchObject({
      state: 'ENABLED',
      version: 4,
      since: '2026-11-24T10:05:00.000Z',
    });
    expect(decision.next.outbox).toEqual([
      { event: decision.event, publish: true, claimedAt: '2026-11-24T10:05:00.000Z' },
    ]);
  });

  it('revokes only after two consecutive non-ENABLED answers', () => {
    const first = decideNext(
      stored('ENABLED'),
      observe('NOT_ENABLED', '2026-11-24T10:05:00.000Z'),
      RULES,
    );
    expect(first.type).toBe('recorded');
    if (first.type !== 'recorded') return;
    expect(first.next).toMatchObject({
      state: 'ENABLED',
      pendingRevocation: { count: 1, state: 'NOT_ENABLED' },
    });

    const second = decideNext(
      first.next,
      observe('NOT_ENABLED', '2026-11-24T10:10:00.000Z'),
      RULES,
    );

    expect(second.type).toBe('transition');
    if (second.type !== 'transition') return;
    expect(second.event).toMatchObject({ kind: 'revoked', from: 'ENABLED', to: 'NOT_ENABLED' });
    // The new state holds since its first sighting, not since the confirming one.
    expect(second.next).toMatchObject({
      since: '2026-11-24T10:05:00.000Z',
      pendingRevocation: null,
    });
  });

  it('calls off a revocation when ENABLED comes back before confirmation', () => {
    const pending = stored('ENABLED', {
      pendingRevocation: {
        count: 1,
        state: 'NOT_ENABLED',
        firstObservedAt: '2026-11-24T10:00:00.000Z',
      },
    });

    const decision = decideNext(pending, observe('ENABLED'), RULES);

    expect(decision.type).toBe('recorded');
    if (decision.type !== 'recorded') return;
    expect(decision.next).toMatchObject({ state: 'ENABLED', pendingRevocation: null, version: 4 });
  });

  it('counts any mix of non-ENABLED answers and revokes to the latest one', () => {
    const pending = stored('ENABLED', {
      pendingRevocation: {
        count: 1,
        state: 'NOT_ENABLED',
        firstObservedAt: '2026-11-24T10:00:00.000Z',
      },
    });

    const decision = decideNext(pending, observe('FAILED'), RULES);

    expect(decision.type).toBe('transition');
    if (decision.type !== 'transition') return;
    expect(decision.event).toMatchObject({ kind: 'revoked', to: 'FAILED' });
  });

  it('revokes on the first answer when confirmRevocation is 1', () => {
    const decision = decideNext(stored('ENABLED'), observe('NOT_AUTHORIZED'), {
      ...RULES,
      confirmRevocation: 1,
    });

    expect(decision.type).toBe('transition');
    if (decision.type !== 'transition') return;
    expect(decision.event.kind).toBe('revoked');
  });

  it('waits for three answers when confirmRevocation is 3', () => {
    const rules = { ...RULES, confirmRevocation: 3 };
    const first = decideNext(stored('ENABLED'), observe('NOT_ENABLED'), rules);
    if (first.type !== 'recorded') throw new Error(`expected recorded, got ${first.type}`);
    const second = decideNext(first.next, observe('NOT_ENABLED'), rules);
    if (second.type !== 'recorded') throw new Error(`expected recorded, got ${second.type}`);

    const third = decideNext(second.next, observe('NOT_ENABLED'), rules);

    expect(third.type).toBe('transition');
  });

  it('records a transition whose kind is not published in history only', () => {
    const decision = decideNext(stored('NOT_ENABLED'), observe('IN_PROGRESS'), RULES);

    expect(decision.type).toBe('transition');
    if (decision.type !== 'transition') return;
    expect(decision.event.kind).toBe('requested');
    expect(decision.publish).toBe(false);
    expect(decision.next.outbox).toEqual([expect.objectContaining({ publish: false })]);
  });

  it('names the same transition alike in two overlapping runs', () => {
    const a = decideNext(stored('IN_PROGRESS'), observe('ENABLED'), RULES);
    const b = decideNext(stored('IN_PROGRESS'), observe('ENABLED'), RULES);

    expect(
      a.type === 'transition' && b.type === 'transition' && a.event.eventId === b.event.eventId,
    ).toBe(true);
  });
});
