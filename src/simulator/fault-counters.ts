/**
 * The two ways a fault decides which requests it hits. Both are deterministic, so a test that
 * counts answers never flakes.
 */

/**
 * Spreads failures evenly: the k-th request fails iff floor(k * share) > floor((k - 1) * share).
 * `share: 0.5` lets the 1st through, fails the 2nd, lets the 3rd through (so one retry always
 * succeeds); `share: 1` fails every request.
 */
export class EvenShare {
  private readonly seen = new Map<string, number>();

  /** Counts one more request under `key` and says whether it is one that fails. */
  hits(key: string, share: number): boolean {
    const k = (this.seen.get(key) ?? 0) + 1;
    this.seen.set(key, k);
    // The epsilon keeps 0.29 * 100 = 28.999999999999996 from shifting a failure by one request.
    const failuresSoFar = (n: number) => Math.floor(n * share + 1e-9);
    return failuresSoFar(k) > failuresSoFar(k - 1);
  }
}

/** A token bucket: starts full with `capacity` tokens, refills `ratePerSecond` continuously. */
export class TokenBucket {
  private tokens: number;
  private lastRefillMs: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly capacity: number,
    nowMs: number,
  ) {
    this.tokens = capacity;
    this.lastRefillMs = nowMs;
  }

  /** Takes one token if there is one; false means the request is over the rate. */
  take(nowMs: number): boolean {
    const elapsedSeconds = Math.max(0, nowMs - this.lastRefillMs) / 1000;
    this.tokens = Math.min(this.capacity, this.tokens + elapsedSeconds * this.ratePerSecond);
    this.lastRefillMs = nowMs;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
