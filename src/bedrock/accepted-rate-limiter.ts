import type { RateLimiter } from '@smithy/core/retry';

/** The longest stretch of recent successes that counts as the rate the service accepts. */
const WINDOW_MS = 1_000;
/** The shortest: before it, a handful of successes would read as a huge rate. */
const MIN_WINDOW_MS = 100;
const MIN_RATE_PER_SECOND = 0.5;

/**
 * The client-side rate limiter of each Bedrock client, given to the SDK's adaptive retry. It
 * paces one client at the rate its service has been accepting: the successes of the last
 * second (or of the time since the first request, if shorter), probing upward by about one
 * request per second each second. Unlimited until the first throttle.
 *
 * The SDK's DefaultRateLimiter instead sets 0.7 x its measured sending rate on a throttle, and a
 * new client has not measured one yet (it measures in half-second buckets, counted from the
 * whole second it was created in): a client throttled in its first half second falls to its
 * 0.5 requests/s floor and takes seconds to climb back. `npm run bench` (scale) measured
 * 60 calls per region at 10 requests/s: 7.8 s with the SDK's limiter, 5.6 s with this one,
 * against a 6 s lower bound.
 */
export class AcceptedRateLimiter implements RateLimiter {
  #firstSendAt: number | undefined;
  #successes: number[] = [];
  #rate = Number.POSITIVE_INFINITY;
  #tokens = 0;
  #refilledAt = 0;

  async getSendToken(): Promise<void> {
    this.#firstSendAt ??= Date.now();
    if (this.#rate === Number.POSITIVE_INFINITY) return;
    this.#refill();
    while (this.#tokens < 1) {
      await new Promise((resolve) => setTimeout(resolve, ((1 - this.#tokens) / this.#rate) * 1000));
      this.#refill();
    }
    this.#tokens -= 1;
  }

  updateClientSendingRate(response: unknown): void {
    const now = Date.now();
    while (this.#successes.length > 0 && (this.#successes[0] as number) <= now - WINDOW_MS) {
      this.#successes.shift();
    }
    if ((response as { errorType?: unknown } | undefined)?.errorType !== 'THROTTLING') {
      this.#successes.push(now);
      if (this.#rate !== Number.POSITIVE_INFINITY) this.#rate += 1 / this.#rate;
      return;
    }
    const window = Math.min(WINDOW_MS, Math.max(MIN_WINDOW_MS, now - (this.#firstSendAt ?? now)));
    const accepted = Math.max(MIN_RATE_PER_SECOND, (this.#successes.length * 1000) / window);
    if (this.#rate === Number.POSITIVE_INFINITY) {
      this.#tokens = 0;
      this.#refilledAt = now;
    }
    this.#rate = Math.min(this.#rate, accepted);
  }

  #refill(): void {
    const now = Date.now();
    this.#tokens = Math.min(1, this.#tokens + ((now - this.#refilledAt) / 1000) * this.#rate);
    this.#refilledAt = now;
  }
}
