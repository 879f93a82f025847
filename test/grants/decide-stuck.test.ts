import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideStuck } from '../../src/grants/decide-stuck.ts';
import { GRANT_STATES, type GrantState } from '../../src/grants/types.ts';

/** stuckAfter's default, 30 minutes. */
const STUCK_AFTER_MS = 1_800_000;
const T0 = Date.UTC(2026, 10, 24, 9, 3, 17, 219);
const iso = (ms: number) => new Date(ms).toISOString();
const pair = (state: GrantState, sinceMs: number) => ({
  account: '123456789012',
  region: 'us-east-1',
  modelId: 'anthropic.claude-sonnet-4-5-20250929-v1:0',
  state,
  since: iso(sinceMs),
});

describe('decideStuck: examples', () => {
  it('announces a pair IN_PROGRESS for longer than stuckAfter, with since and for how long', () => {
    const now = new Date(T0 + STUCK_AFTER_MS + 61_234);

    const decision = decideStuck(pair('IN_PROGRESS', T0), null, now, STUCK_AFTER_MS);

    expect(decision).toEqual({
      announcedSince: iso(T0),
      changed: true,
      event: {
        schema: 'bedrock-access-monitor/stuck/v1',
        eventId: expect.stringMatching(
          /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
        ),
        kind: 'stuck',
        account: '123456789012',
        modelId: 'anthropic.claude-sonnet-4-5-20250929-v1:0',
        region: 'us-east-1',
        state: 'IN_PROGRESS',
        since: iso(T0),
        elapsedMs: STUCK_AFTER_MS + 61_234,
        stuckAfterMs: STUCK_AFTER_MS,
        observedAt: now.toISOString(),
      },
    });
  });

  it('waits until stuckAfter has passed, announces once, and forgets the episode when it ends', () => {
    const stuckAfter = 30 * 60_000;
    const at = (minutes: number) => new Date(T0 + minutes * 60_000);

    const early = decideStuck(pair('IN_PROGRESS', T0), null, at(30), stuckAfter);
    const late = decideStuck(pair('IN_PROGRESS', T0), null, at(31), stuckAfter);
    const again = decideStuck(pair('IN_PROGRESS', T0), iso(T0), at(90), stuckAfter);
    const over = decideStuck(pair('ENABLED', T0 + 95 * 60_000), iso(T0), at(95), stuckAfter);

    expect(early).toEqual({ announcedSince: null, changed: false, event: null });
    expect(late.event?.elapsedMs).toBe(31 * 60_000);
    expect(again).toEqual({ announcedSince: iso(T0), changed: false, event: null });
    expect(over).toEqual({ announcedSince: null, changed: true, event: null });
  });

  it('refuses a stuckAfter that is not whole milliseconds', () => {
    expect(() => decideStuck(pair('IN_PROGRESS', T0), null, new Date(T0), 1.5)).toThrow(RangeError);
  });
});

describe('decideStuck: properties', () => {
  /** Runs at increasing moments, each seeing a grant state; `since` as decideNext keeps it. */
  const runsArb = fc.array(
    fc.record({
      gapMs: fc.integer({ min: 1, max: 40 * 60_000 }),
      state: fc.constantFrom<GrantState>('IN_PROGRESS', 'IN_PROGRESS', ...GRANT_STATES),
    }),
    { minLength: 1, maxLength: 40 },
  );

  it('announces each IN_PROGRESS episode longer than stuckAfter exactly once, at the first run past it', () => {
    fc.assert(
      fc.property(runsArb, fc.integer({ min: 1, max: 90 * 60_000 }), (steps, stuckAfter) => {
        let nowMs = T0;
        let since = T0;
        let state: GrantState | undefined;
        let announcedSince: string | null = null;
        const announced: number[] = [];
        // The reference: the same runs grouped into episodes, each judged on its own.
        const episodes: { since: number; runs: { index: number; atMs: number }[] }[] = [];
        steps.forEach((step, index) => {
          nowMs += step.gapMs;
          if (step.state !== state) {
            since = nowMs;
            if (step.state === 'IN_PROGRESS') episodes.push({ since, runs: [] });
          }
          state = step.state;
          if (state === 'IN_PROGRESS')
            episodes[episodes.length - 1]?.runs.push({ index, atMs: nowMs });

          const decision = decideStuck(
            pair(state, since),
            announcedSince,
            new Date(nowMs),
            stuckAfter,
          );
          announcedSince = decision.announcedSince;
          if (decision.event) announced.push(index);
          // Seen again by an overlapping run: never a second announcement.
          expect(
            decideStuck(pair(state, since), announcedSince, new Date(nowMs), stuckAfter).event,
          ).toBeNull();
        });

        const expected = episodes.flatMap((episode) => {
          const first = episode.runs.find((run) => run.atMs - episode.since > stuckAfter);
          return first === undefined ? [] : [first.index];
        });
        expect(announced).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});
