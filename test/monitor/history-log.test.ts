import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideNext } from '../../src/grants/decide-next.ts';
import type { PairRecord } from '../../src/grants/pair-record.ts';
import {
  FAILURE_KINDS,
  GRANT_STATES,
  type GrantState,
  type RawAvailability,
  type TransitionEvent,
} from '../../src/grants/types.ts';
import {
  baselineLine,
  failedCheckLine,
  grantHistoryFields,
  HISTORY_MESSAGE,
  transitionLine,
  writeHistoryLine,
} from '../../src/monitor/history-log.ts';

// Times a run may observe: any millisecond within a few years, never a round number only.
const instant = fc
  .integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2030, 0, 1) })
  .map((ms) => new Date(ms).toISOString());
const state = fc.constantFrom(...GRANT_STATES);
const raw: fc.Arbitrary<RawAvailability> = fc.record({
  agreement: fc.option(fc.constantFrom('AVAILABLE', 'PENDING', 'NOT_AVAILABLE', 'ERROR')),
  agreementError: fc.option(fc.string({ minLength: 1 })),
  authorization: fc.option(fc.constantFrom('AUTHORIZED', 'NOT_AUTHORIZED')),
  entitlement: fc.option(fc.constantFrom('AVAILABLE', 'NOT_AVAILABLE')),
  region: fc.option(fc.constantFrom('AVAILABLE', 'NOT_AVAILABLE')),
});
const account = fc.stringMatching(/^\d{12}$/);
const accountName = fc.option(fc.string({ minLength: 1, maxLength: 20 }), { nil: undefined });
const pair = fc.record({
  account,
  region: fc.constantFrom('us-east-1', 'us-west-2', 'eu-central-1', 'ap-southeast-2'),
  modelId: fc.constantFrom('amazon.titan-text-express-v1', 'anthropic.claude-3-haiku-v1:0'),
});

const record = (
  p: { account: string; region: string; modelId: string },
  s: GrantState,
  since: string,
  r: RawAvailability,
): PairRecord => ({
  ...p,
  state: s,
  since,
  raw: r,
  notFound: null,
  pendingRevocation: null,
  version: 1,
  outbox: [],
});

/** The plain reference: a transition's history fields are the event's, less its schema. */
function expectedFields(event: TransitionEvent, name: string | undefined) {
  const { schema: _schema, ...rest } = event;
  const since = event.previousSince;
  return {
    ...rest,
    ...(name === undefined ? {} : { accountName: name }),
    inPreviousStateMs:
      since === null ? null : new Date(event.observedAt).getTime() - new Date(since).getTime(),
  };
}

describe('the grant history lines', () => {
  it('show a transition with the event fields, less its schema, and the time spent in `from`', () => {
    fc.assert(
      fc.property(
        pair,
        state,
        state,
        instant,
        instant,
        raw,
        accountName,
        (p, from, to, a, b, r, name) => {
          fc.pre(from !== to);
          const [since, observedAt] = a <= b ? [a, b] : [b, a];
          const decision = decideNext(
            record(p, from, since, r),
            { ...p, state: to, raw: r, notFound: null, observedAt },
            1,
          );
          if (decision.event === undefined) throw new Error('no transition');

          const line = transitionLine(decision.event, { account: p.account, accountName: name });

          expect(line.level).toBe('info');
          expect(line.message).toBe(HISTORY_MESSAGE.transition);
          expect(line.fields).toEqual(expectedFields(decision.event, name));
          expect(line.fields.inPreviousStateMs).toBeGreaterThanOrEqual(0);
          expect(Number.isInteger(line.fields.inPreviousStateMs)).toBe(true);
        },
      ),
    );
  });

  it('show a first sighting with the same fields as a transition: kind baseline, from null', () => {
    fc.assert(
      fc.property(pair, state, instant, raw, accountName, (p, s, observedAt, r, name) => {
        const decision = decideNext(
          undefined,
          { ...p, state: s, raw: r, notFound: null, observedAt },
          2,
        );
        if (decision.next === undefined || decision.event !== undefined) {
          throw new Error('no baseline');
        }

        const line = baselineLine(decision.next, { account: p.account, accountName: name });
        const transition = transitionLine(
          {
            schema: 'bedrock-access-monitor/transition/v1',
            eventId: 'e',
            kind: 'changed',
            ...p,
            from: 'NOT_OFFERED',
            to: s,
            observedAt,
            previousSince: observedAt,
            raw: r,
          },
          { account: p.account, accountName: name },
        );

        expect(line.message).toBe(HISTORY_MESSAGE.baseline);
        expect(line.fields).toEqual({
          eventId: null,
          kind: 'baseline',
          account: p.account,
          ...(name === undefined ? {} : { accountName: name }),
          modelId: p.modelId,
          region: p.region,
          from: null,
          to: s,
          observedAt,
          previousSince: null,
          inPreviousStateMs: null,
          raw: r,
        });
        expect(Object.keys(line.fields)).toEqual(Object.keys(transition.fields));
      }),
    );
  });

  it('show a failed check with where, why and what the error said, at warn level', () => {
    fc.assert(
      fc.property(
        pair,
        fc.constantFrom(...FAILURE_KINDS),
        fc.option(fc.string({ minLength: 1 })),
        fc.string(),
        instant,
        accountName,
        (p, kind, errorName, message, observedAt, name) => {
          const failure = { ...p, ok: false as const, kind, errorName, message, durationMs: 7 };

          const line = failedCheckLine(
            failure,
            { account: p.account, accountName: name },
            observedAt,
          );

          expect(line).toEqual({
            level: 'warn',
            message: HISTORY_MESSAGE.checkFailed,
            fields: {
              account: p.account,
              ...(name === undefined ? {} : { accountName: name }),
              region: p.region,
              modelId: p.modelId,
              failureKind: kind,
              errorName,
              errorMessage: message,
              observedAt,
            },
          });
        },
      ),
    );
  });

  it('leave accountName out when Organizations gave none', () => {
    const event: TransitionEvent = {
      schema: 'bedrock-access-monitor/transition/v1',
      eventId: 'e',
      kind: 'ready',
      account: '123456789012',
      modelId: 'amazon.titan-text-express-v1',
      region: 'us-east-1',
      from: 'IN_PROGRESS',
      to: 'ENABLED',
      observedAt: '2026-11-24T12:10:00.000Z',
      previousSince: '2026-11-24T12:05:00.000Z',
      raw: {
        agreement: 'AVAILABLE',
        agreementError: null,
        authorization: 'AUTHORIZED',
        entitlement: 'AVAILABLE',
        region: 'AVAILABLE',
      },
    };

    expect(grantHistoryFields(event)).not.toHaveProperty('accountName');
    expect(grantHistoryFields(event, null)).not.toHaveProperty('accountName');
    expect(grantHistoryFields(event, 'prod-ml')).toMatchObject({
      accountName: 'prod-ml',
      inPreviousStateMs: 300_000,
    });
  });

  it('refuse a time that is not ISO-8601 as the programming error it is', () => {
    const event = {
      schema: 'bedrock-access-monitor/transition/v1',
      eventId: 'e',
      kind: 'ready',
      account: '123456789012',
      modelId: 'm',
      region: 'us-east-1',
      from: 'IN_PROGRESS',
      to: 'ENABLED',
      observedAt: '2026-11-24T12:10:00.000Z',
      previousSince: 'yesterday',
      raw: {
        agreement: null,
        agreementError: null,
        authorization: null,
        entitlement: null,
        region: null,
      },
    } satisfies TransitionEvent;

    expect(() => grantHistoryFields(event)).toThrow(RangeError);
  });

  it('are written at their level, the fields at the top level of the line', () => {
    const written: Array<[string, string, Record<string, unknown> | undefined]> = [];
    const log = {
      info: (message: string, fields?: Record<string, unknown>) =>
        written.push(['info', message, fields]),
      warn: (message: string, fields?: Record<string, unknown>) =>
        written.push(['warn', message, fields]),
    };
    const failure = failedCheckLine(
      {
        region: 'us-east-1',
        modelId: 'm',
        ok: false,
        kind: 'denied',
        errorName: 'AccessDeniedException',
        message: 'no',
        durationMs: 3,
      },
      { account: '123456789012' },
      '2026-11-24T12:10:00.000Z',
    );

    writeHistoryLine(log, failure);
    writeHistoryLine(undefined, failure);

    expect(written).toEqual([['warn', 'Check failed', failure.fields]]);
  });
});
