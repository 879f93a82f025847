import { describe, expect, it } from 'vitest';
import { decideNext, type ObservedState } from '../../src/grants/decide-next.ts';
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
const CONFIRM = 2;

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
    const decision = decideNext(undefined, observe('ENABLED'), CONFIRM);

    expect(decision.event).toBeUndefined();
    expect(decision.next).toMatchObject({
      state: 'ENABLED',
      since: '2026-11-24T10:05:00.000Z',
      version: 1,
      outbox: [],
    });
  });

  it('writes nothing when the state is the same as stored', () => {
    expect(decideNext(stored('IN_PROGRESS'), observe('IN_PROGRESS'), CONFIRM)).toEqual({});
  });

  it('decides ready at once, with the event DESIGN.md fixes, and leaves the outbox to outbox.ts', () => {
    const decision = decideNext(stored('IN_PROGRESS'), observe('ENABLED'), CONFIRM);

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
    expect(decision.event?.eventId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    expect(decision.next).toMatchObject({
      state: 'ENABLED',
      version: 4,
      since: '2026-11-24T10:05:00.000Z',
      outbox: [],
    });
  });

  it('revokes only after two consecutive non-ENABLED answers', () => {
    const first = decideNext(
      stored('ENABLED'),
      observe('NOT_ENABLED', '2026-11-24T10:05:00.000Z'),
      CONFIRM,
    );
    expect(first.event).toBeUndefined();
    expect(first.next).toMatchObject({
      state: 'ENABLED',
      pendingRevocation: { count: 1, state: 'NOT_ENABLED' },
    });

    const second = decideNext(
      first.next,
      observe('NOT_ENABLED', '2026-11-24T10:10:00.000Z'),
      CONFIRM,
    );

    expect(second.event).toMatchObject({ kind: 'revoked', from: 'ENABLED', to: 'NOT_ENABLED' });
    // The new state holds since its first sighting, not since the confirming one.
    expect(second.next).toMatchObject({
      since: '2026-11-24T10:05:00.000Z',
      pendingRevocation: null,
    });
  });

  it('does not count the same observation twice: a duplicate run of one schedule tick', () => {
    const first = decideNext(
      stored('ENABLED'),
      observe('NOT_ENABLED', '2026-11-24T10:05:00.000Z'),
      CONFIRM,
    );

    const duplicate = decideNext(
      first.next,
      observe('NOT_ENABLED', '2026-11-24T10:05:00.000Z'),
      CONFIRM,
    );

    expect(duplicate).toEqual({});
  });

  it('calls off a revocation when ENABLED comes back before confirmation', () => {
    const pending = stored('ENABLED', {
      pendingRevocation: {
        count: 1,
        state: 'NOT_ENABLED',
        firstObservedAt: '2026-11-24T10:00:00.000Z',
      },
    });

    const decision = decideNext(pending, observe('ENABLED'), CONFIRM);

    expect(decision.event).toBeUndefined();
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

    const decision = decideNext(pending, observe('FAILED'), CONFIRM);

    expect(decision.event).toMatchObject({ kind: 'revoked', to: 'FAILED' });
  });

  it('revokes on the first answer when confirmRevocation is 1', () => {
    const decision = decideNext(stored('ENABLED'), observe('NOT_AUTHORIZED'), 1);

    expect(decision.event?.kind).toBe('revoked');
  });

  it('waits for three answers when confirmRevocation is 3', () => {
    const first = decideNext(
      stored('ENABLED'),
      observe('NOT_ENABLED', '2026-11-24T10:05:00.000Z'),
      3,
    );
    const second = decideNext(first.next, observe('NOT_ENABLED', '2026-11-24T10:10:00.000Z'), 3);
    expect([first.event, second.event]).toEqual([undefined, undefined]);

    const third = decideNext(second.next, observe('NOT_ENABLED', '2026-11-24T10:15:00.000Z'), 3);

    expect(third.event?.kind).toBe('revoked');
  });

  it('names the same transition alike in two overlapping runs', () => {
    const a = decideNext(stored('IN_PROGRESS'), observe('ENABLED'), CONFIRM);
    const b = decideNext(stored('IN_PROGRESS'), observe('ENABLED'), CONFIRM);

    expect(a.event?.eventId).toBeDefined();
    expect(a.event?.eventId).toBe(b.event?.eventId);
  });
});
