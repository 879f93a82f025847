import { ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { isAwsOrNetworkError } from '../bedrock/network-errors.ts';
import type { RuntimeClientForRegion } from '../bedrock/runtime-clients.ts';
import { errorNameAndMessage } from '../errors.ts';
import type { VerificationResult } from '../grants/types.ts';
import { classifyAccessError } from './access-cause.ts';

export interface VerificationTarget {
  region: string;
  /** The model id or inference profile id to invoke. */
  via: string;
}

/** Confirms with a real call that a model can be invoked. */
export interface Verifier {
  /** Resolves with the call's result; rejects only for a defect of this program. */
  verify(target: VerificationTarget, deadline: number): Promise<VerificationResult>;
}

/**
 * The cheapest real check of access (bedrock-facts.md section 3): Converse with one short
 * message and maxTokens 1. Billed, and for a third-party model it starts the Marketplace
 * subscription, which is why it is opt-in per model.
 */
export function createConverseVerifier(clientForRegion: RuntimeClientForRegion): Verifier {
  return {
    async verify({ region, via }, deadline) {
      const startedAt = performance.now();
      try {
        await clientForRegion(region).send(
          new ConverseCommand({
            modelId: via,
            messages: [{ role: 'user', content: [{ text: 'Hi' }] }],
            inferenceConfig: { maxTokens: 1 },
          }),
          // Whole milliseconds: AbortSignal.timeout throws a RangeError for anything else.
          { abortSignal: AbortSignal.timeout(Math.max(Math.floor(deadline - Date.now()), 1)) },
        );
        return { ok: true, via, latencyMs: Math.round(performance.now() - startedAt) };
      } catch (error) {
        // A defect of this program is thrown: it says nothing about access.
        if (!isAwsOrNetworkError(error)) throw error;
        const { cause, category, lasting, explanation, nextStep } = classifyAccessError(error);
        const { name, message } = errorNameAndMessage(error);
        return {
          ok: false,
          via,
          cause,
          category,
          lasting,
          explanation,
          nextStep,
          errorName: name,
          message,
        };
      }
    },
  };
}
