/**
 * The SNS notifier and the Converse verifier of the Lambda, loaded by the first run that needs
 * them. Both act only on a transition (a publish, or the verification of a model that became
 * ENABLED), so most runs never use them: their SDK clients and the code behind them are chunks
 * of the bundle that a cold start does not load (measured by `npm run bench`, part 3).
 */
import type { Notifier } from '../notify/notifier.ts';
import type { Verifier } from '../verify/converse-verifier.ts';
import { loadOnFirstUse } from './load-on-first-use.ts';

export function lazySnsNotifier(options: { topicArn: string; region: string }): Notifier {
  const notifier = loadOnFirstUse(async () => {
    const { createTopicNotifier } = await import('../notify/sns-notifier.ts');
    return createTopicNotifier(options.topicArn, options.region);
  });
  return { publish: async (event) => (await notifier()).publish(event) };
}

export function lazyConverseVerifier(options: { requestTimeoutMs: number }): Verifier {
  const verifier = loadOnFirstUse(async () => {
    const [{ createConverseVerifier }, { createRuntimeClientCache }] = await Promise.all([
      import('../verify/converse-verifier.ts'),
      import('../bedrock/runtime-clients.ts'),
    ]);
    return createConverseVerifier(createRuntimeClientCache(options));
  });
  return { verify: async (target, deadline) => (await verifier()).verify(target, deadline) };
}
