import type { RateLimiter } from '@smithy/core/retry';

/**
 * The successes of the last second are the rate the service accepts. Dividing by less (the
 * time since the first request, early on) reads a burst as a huge rate and keeps the client
 * throttled: measured in the demo's 2 requests/s region, where that left checks UNKNOWN.
 */
const WINDOW_MS = 1_000;
const MIN_RATE_PER_SECOND = 0.5;

/**
 * The client-side rate limiter of each Bedrock client, given to the SDK's adaptive retry. It
 * paces one client at the rate its service has been accepting: the successes of the last
 * second, probing upward by about one request per second each second. Unlimited until the
 * first throttle.
 *
 * The SDK's DefaultRateLimiter instead sets 0.7 x its measured sending rate on a throttle, and a
 * new client has not measured one yet (it measures in half-second buckets, counted from the
 * whole second it was created in): a client throttled in its first half second falls to its
 * 0.5 requests/s floor and takes seconds to climb back. `npm run bench` (scale) measured
 * 60 calls per region at 10 requests/s: 7.8 s with the SDK's limiter, 5.6 s with this one,
 * against a 6 s lower bound.
 */
export class AcceptedRateLimiter implements RateLimiter {
  #successes: number[] = [];
  #rate = Number.POSITIVE_INFINITY;
  #tokens = 0;
  #refilledAt = 0;

  async getSendToken(): Promise<void> {
    if (this.#rate === Number.POSITIVE_INFINITY) return;
    this.#refill();
    while (this.#tokens < 1) {
      // Whole milliseconds, rounded up: a wait never ends before the token is there.
      const waitMs = Math.ceil(((1 - this.#tokens) / this.#rate) * 1000);
      await new Promise((resolve) => setTimeout(resolve, waitMs));
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
    const accepted = Math.max(MIN_RATE_PER_SECOND, (this.#successes.length * 1000) / WINDOW_MS);
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
