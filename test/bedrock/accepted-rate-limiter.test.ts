import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AcceptedRateLimiter } from '../../src/bedrock/accepted-rate-limiter.ts';

const THROTTLED = { errorType: 'THROTTLING' };
const SUCCESS = {};

/** Resolves to whether `promise` settled within `ms` of fake time. */
async function settlesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  let settled = false;
  void promise.then(() => {
    settled = true;
  });
  await vi.advanceTimersByTimeAsync(ms);
  return settled;
}

describe('AcceptedRateLimiter', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('does not hold any request back before the first throttle', async () => {
    const limiter = new AcceptedRateLimiter();

    const sends = Array.from({ length: 50 }, () => limiter.getSendToken());

    expect(
      await settlesWithin(
        Promise.all(sends).then(() => {}),
        0,
      ),
    ).toBe(true);
  });

  it('paces at the rate the service accepted, not at a collapsed floor', async () => {
    const limiter = new AcceptedRateLimiter();
    await limiter.getSendToken();
    for (let i = 0; i < 10; i += 1) limiter.updateClientSendingRate(SUCCESS);
    await vi.advanceTimersByTimeAsync(250);
    // Ten successes (a burst) in the first quarter second, then a throttle: the service took
    // ten in the last second, so ten a second it is.
    limiter.updateClientSendingRate(THROTTLED);

    const startedAt = Date.now();
    let finishedAt = 0;
    void (async () => {
      for (let i = 0; i < 5; i += 1) await limiter.getSendToken();
      finishedAt = Date.now();
    })();
    await vi.advanceTimersByTimeAsync(2_000);

    // Five requests at ten a second; the SDK's own limiter would have fallen to 0.5 a second.
    expect(finishedAt - startedAt).toBeGreaterThanOrEqual(490);
    expect(finishedAt - startedAt).toBeLessThanOrEqual(510);
  });

  it('raises the rate again with every success after a throttle', async () => {
    const limiter = new AcceptedRateLimiter();
    await limiter.getSendToken();
    limiter.updateClientSendingRate(SUCCESS);
    await vi.advanceTimersByTimeAsync(1_000);
    limiter.updateClientSendingRate(THROTTLED);
    // One success in the last second: one request a second.
    await settlesWithin(limiter.getSendToken(), 1_000);
    const slow = limiter.getSendToken();
    expect(await settlesWithin(slow, 900)).toBe(false);
    await settlesWithin(slow, 200);

    for (let i = 0; i < 20; i += 1) limiter.updateClientSendingRate(SUCCESS);

    expect(await settlesWithin(limiter.getSendToken(), 250)).toBe(true);
  });
});
