import fc from 'fast-check';
import type { MonitorContext } from '../../src/lambda/create-monitor-handler.ts';

export const FUNCTION_ARN =
  'arn:aws:lambda:us-east-1:123456789012:function:bedrock-access-monitor-monitor';

/**
 * A Lambda context as the runtime hands it: the remaining time counts down, in whole
 * milliseconds, from a deadline fixed at the start of the invocation. Unless told, the
 * invocation starts 1 to 40 ms into a 120 s timeout, so the remaining time is never a round
 * number (a shipped defect hid behind tests that all used 60,000 or 120,000).
 */
export function lambdaContext(
  options: { remainingMs?: number; functionArn?: string } = {},
): MonitorContext {
  const remainingMs = options.remainingMs ?? runtimeRemainingMs();
  const deadline = Date.now() + remainingMs;
  return {
    invokedFunctionArn: options.functionArn ?? FUNCTION_ARN,
    getRemainingTimeInMillis: () => Math.max(deadline - Date.now(), 0),
  };
}

/** What a 120 s function has left when its handler starts: 1 to 40 ms less. */
export function runtimeRemainingMs(): number {
  const [late = 1] = fc.sample(fc.integer({ min: 1, max: 40 }), 1);
  return 120_000 - late;
}

/** Any remaining time Lambda may hand over: 1 ms to the 15-minute maximum timeout. */
export const anyRemainingMs = fc.integer({ min: 1, max: 900_000 });
