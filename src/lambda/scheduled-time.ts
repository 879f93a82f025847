/**
 * The instant a scheduled run observes at: the `time` of the EventBridge event that started
 * it, so that a duplicate delivery of the same event, or a retried invocation, observes at the
 * same instant as the first and is recognised as the same observation (decide-next.ts). An
 * invocation without a usable `time` (a manual test invoke) observes at `now`.
 */
const EVENT_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
// Events are delivered within seconds; a time far from the clock is not a schedule's time.
const MAX_EVENT_AGE_MS = 15 * 60_000;
const MAX_EVENT_LEAD_MS = 60_000;

export function scheduledTime(event: unknown, now: Date): Date {
  const time = (event as { time?: unknown } | null)?.time;
  if (typeof time !== 'string' || !EVENT_TIME.test(time)) return now;
  const at = Date.parse(time);
  const age = now.getTime() - at;
  if (Number.isNaN(at) || age > MAX_EVENT_AGE_MS || age < -MAX_EVENT_LEAD_MS) return now;
  return new Date(at);
}
