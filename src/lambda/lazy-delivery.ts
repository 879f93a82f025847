/**
 * The SNS notifier and the Converse verifier of the Lambda, loaded by the first run that needs
 * them. Both act only on a transition (a publish, or the verification of a model that became
 * ENABLED), so most runs never use them: their SDK clients and the code behind them are chunks
 * of the bundle that a cold start does not load (measured by `npm run bench`, part 3).
 *
 * Loading can fail only when the package is broken. Such a failure must not hide: each loader
 * reports it to `onLoadFailure` (the handler then fails the invocation, so the function's
 * Errors alarm fires), and the run goes on as it would with SNS or Bedrock unavailable.
 */
import { errorNameAndMessage } from '../errors.ts';
import type { VerificationResult } from '../grants/types.ts';
import type { Notifier } from '../notify/notifier.ts';
import type { Verifier } from '../verify/converse-verifier.ts';
import { loadOnFirstUse } from './load-on-first-use.ts';

export type LoadFailureListener = (what: string, error: unknown) => void;

export function lazySnsNotifier(options: {
  topicArn: string;
  region: string;
  onLoadFailure: LoadFailureListener;
  /** Tests replace the import. */
  load?: () => Promise<Notifier>;
}): Notifier {
  const notifier = loadOnFirstUse(
    options.load ??
      (async () => {
        const { createTopicNotifier } = await import('../notify/sns-notifier.ts');
        return createTopicNotifier(options.topicArn, options.region);
      }),
  );
  return {
    async publish(event) {
      const loaded = await notifier().catch((error: unknown) => {
        options.onLoadFailure('the SNS notifier', error);
        // run-check.ts keeps the event in the outbox for the next run, as for any failed publish.
        throw error;
      });
      return loaded.publish(event);
    },
  };
}

/** The EventBridge publisher of the bus, loaded like the SNS notifier. */
export function lazyEventBridgeNotifier(options: {
  eventBusName: string;
  onLoadFailure: LoadFailureListener;
  /** Tests replace the import. */
  load?: () => Promise<Notifier>;
}): Notifier {
  const publisher = loadOnFirstUse(
    options.load ??
      (async () => {
        const { createBusPublisher } = await import('../notify/eventbridge-publisher.ts');
        return createBusPublisher(options.eventBusName);
      }),
  );
  return {
    async publish(event) {
      const loaded = await publisher().catch((error: unknown) => {
        options.onLoadFailure('the EventBridge publisher', error);
        throw error;
      });
      return loaded.publish(event);
    },
  };
}

export function lazyConverseVerifier(options: {
  requestTimeoutMs: number;
  onLoadFailure: LoadFailureListener;
  /** Tests replace the import. */
  load?: () => Promise<Verifier>;
}): Verifier {
  const verifier = loadOnFirstUse(
    options.load ??
      (async () => {
        const [{ createConverseVerifier }, { createRuntimeClientCache }] = await Promise.all([
          import('../verify/converse-verifier.ts'),
          import('../bedrock/runtime-clients.ts'),
        ]);
        return createConverseVerifier(
          createRuntimeClientCache({ requestTimeoutMs: options.requestTimeoutMs }),
        );
      }),
  );
  return {
    async verify(target, deadline) {
      let loaded: Verifier;
      try {
        loaded = await verifier();
      } catch (error) {
        // Keep the transition as `ready`, with the failure shown, as for a transient error:
        // nothing is known about access.
        options.onLoadFailure('the Converse verifier', error);
        return notVerified(target.via, error);
      }
      return loaded.verify(target, deadline);
    },
  };
}

function notVerified(via: string, error: unknown): VerificationResult {
  const { name, message } = errorNameAndMessage(error);
  return {
    ok: false,
    via,
    cause: 'transient',
    category: 'transient',
    lasting: false,
    explanation:
      "The monitor's verification code could not be loaded, so no call was made; this says nothing about access.",
    nextStep:
      'Nothing to change in AWS. The function reported the failure as an invocation error; redeploy it if the error persists.',
    errorName: name,
    message,
  };
}
