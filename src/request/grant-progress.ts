/**
 * How `request` shows the grant while it waits. On a terminal: one line, rewritten in place
 * with \r, with the elapsed time and the state. Elsewhere (a log, a pipe): one line per state
 * change, so a CI log reads as a history.
 */
import type { GrantState, RawAvailability } from '../grants/types.ts';
import { formatElapsed } from './elapsed.ts';

export interface GrantProgress {
  /** The first answer, or a different state than the last. */
  state(elapsedMs: number, state: GrantState, raw: RawAvailability): void;
  /** Time passed without a new answer. */
  tick(elapsedMs: number): void;
  /** One check failed for a passing reason; watching goes on. */
  checkFailed(elapsedMs: number, message: string): void;
  /** The watch is over. */
  end(): void;
}

/** `IN_PROGRESS (agreement PENDING)`: the state and the field that moves during a request. */
export function describeGrant(state: GrantState, raw: RawAvailability): string {
  if (state === 'ENABLED' || raw.agreement === null) return state;
  const error = raw.agreementError === null ? '' : `: ${raw.agreementError}`;
  return `${state} (agreement ${raw.agreement}${error})`;
}

/** One line rewritten in place; `write` prints without a newline (a TTY's stdout). */
export function liveProgressLine(write: (text: string) => void): GrantProgress {
  let current = 'waiting for the first answer';
  let note = '';
  let shown = false;
  const draw = (elapsedMs: number) => {
    shown = true;
    // \x1b[K clears what a longer previous line left behind.
    write(`\r[${formatElapsed(elapsedMs)}] ${current}${note}\x1b[K`);
  };
  return {
    state(elapsedMs, state, raw) {
      current = describeGrant(state, raw);
      note = '';
      draw(elapsedMs);
    },
    tick: draw,
    checkFailed(elapsedMs, message) {
      note = ` (last check failed: ${message})`;
      draw(elapsedMs);
    },
    end() {
      if (shown) write('\n');
    },
  };
}

/** One printed line per state change (and per new kind of failed check). */
export function loggedProgress(out: (line: string) => void): GrantProgress {
  let lastFailure: string | undefined;
  return {
    state(elapsedMs, state, raw) {
      lastFailure = undefined;
      out(`[${formatElapsed(elapsedMs)}] ${describeGrant(state, raw)}`);
    },
    tick() {},
    checkFailed(elapsedMs, message) {
      if (message === lastFailure) return;
      lastFailure = message;
      out(`[${formatElapsed(elapsedMs)}] check failed, still watching: ${message}`);
    },
    end() {},
  };
}
