/**
 * Polls the grant until it settles or time runs out. Time comes from `now` and `sleep`, so
 * tests drive it with a manual clock instead of waiting real seconds.
 */
import type { GrantState, RawAvailability } from '../grants/types.ts';
import type { GrantProgress } from './grant-progress.ts';

/** One look at the grant: a state, or a check that failed for a passing reason. */
export type GrantLook =
  | { ok: true; state: GrantState; raw: RawAvailability }
  | { ok: false; message: string };

export type WatchEnd =
  | { kind: 'settled'; state: GrantState; raw: RawAvailability; elapsedMs: number }
  | { kind: 'timed-out'; state: GrantState | null; elapsedMs: number };

export interface WatchClock {
  /** Milliseconds, like Date.now. */
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

export interface WatchOptions {
  intervalMs: number;
  timeoutMs: number;
}

/** States no amount of waiting changes: the request worked, failed, or cannot work. */
const SETTLED: ReadonlySet<GrantState> = new Set([
  'ENABLED',
  'FAILED',
  'NOT_AUTHORIZED',
  'NOT_OFFERED',
]);

/** The progress line is redrawn this often on a terminal, between checks. */
const TICK_MS = 1000;

/** Looks at the grant every `intervalMs` until it settles; one last look at the timeout. */
export async function watchGrant(
  look: () => Promise<GrantLook>,
  clock: WatchClock,
  progress: GrantProgress,
  options: WatchOptions,
): Promise<WatchEnd> {
  const startedAt = clock.now();
  const deadline = startedAt + options.timeoutMs;
  const elapsed = () => clock.now() - startedAt;
  let last: GrantState | null = null;
  try {
    for (;;) {
      const answer = await look();
      if (answer.ok) {
        if (answer.state !== last) progress.state(elapsed(), answer.state, answer.raw);
        last = answer.state;
        if (SETTLED.has(answer.state)) {
          return { kind: 'settled', state: answer.state, raw: answer.raw, elapsedMs: elapsed() };
        }
      } else {
        progress.checkFailed(elapsed(), answer.message);
      }
      if (clock.now() >= deadline) return { kind: 'timed-out', state: last, elapsedMs: elapsed() };
      const nextLook = Math.min(clock.now() + options.intervalMs, deadline);
      while (clock.now() < nextLook) {
        await clock.sleep(Math.min(TICK_MS, nextLook - clock.now()));
        progress.tick(elapsed());
      }
    }
  } finally {
    progress.end();
  }
}
