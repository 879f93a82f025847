/**
 * How long a run's checks may take, and how long they do take. The deployed function and
 * `validate` share these, so that a config is refused when its checks cannot finish in the time
 * a run of the function gives them.
 */

/**
 * GetFoundationModelAvailability calls per second Bedrock accepts in one region for one
 * account, as `npm run bench` assumes for its scale run (bench/fixtures.ts) and measured the
 * handler against. AWS publishes no quota for the call; regions are checked in parallel.
 */
export const ACCEPTED_CHECKS_PER_SECOND_PER_REGION = 10;

// The state writes and the publishes after the checks need at least this long.
const MIN_WRITE_TIME_MS = 5_000;

/**
 * The part of a run's remaining time (whole milliseconds) its checks may use: a quarter, at
 * least MIN_WRITE_TIME_MS, is kept for the state writes and the alerts.
 */
export function checkBudgetMs(remainingMs: number): number {
  return remainingMs - Math.max(MIN_WRITE_TIME_MS, Math.floor(remainingMs / 4));
}

/** How long `checks` calls in one region take at the accepted rate, in whole milliseconds. */
export function checkDurationMs(checks: number): number {
  return Math.ceil((checks * 1000) / ACCEPTED_CHECKS_PER_SECOND_PER_REGION);
}
