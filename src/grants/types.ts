/**
 * The vocabulary of the engine: what Bedrock said about one (region, model), the grant state
 * derived from it, and the transition events that leave the monitor. DESIGN.md fixes these
 * names and shapes; extend them, do not rename them.
 */

export const GRANT_STATES = [
  'NOT_OFFERED',
  'NOT_AUTHORIZED',
  'FAILED',
  'IN_PROGRESS',
  'NOT_ENABLED',
  'ENABLED',
] as const;
export type GrantState = (typeof GRANT_STATES)[number];

export const TRANSITION_KINDS = [
  'ready',
  'revoked',
  'failed',
  'requested',
  'changed',
  /** Bedrock reports ENABLED, but a verification call fails for a lasting cause. */
  'blocked',
] as const;
export type TransitionKind = (typeof TRANSITION_KINDS)[number];

/**
 * The four availability fields of GetFoundationModelAvailability, as Bedrock gave them.
 * All null when Bedrock answered 404 (the model does not exist in that region).
 */
export interface RawAvailability {
  agreement: string | null;
  agreementError: string | null;
  authorization: string | null;
  entitlement: string | null;
  region: string | null;
}

/** One (region, model) pair the config asks about. */
export interface CheckTarget {
  region: string;
  modelId: string;
}

export const FAILURE_KINDS = [
  'throttled',
  'server',
  'timeout',
  'malformed',
  'denied',
  'rejected',
  'network',
] as const;
/** Why a check produced no observation; the pair is UNKNOWN for this run. */
export type FailureKind = (typeof FAILURE_KINDS)[number];

/** Bedrock answered: either the four fields, or a 404 for this model in this region. */
export interface Observation extends CheckTarget {
  ok: true;
  raw: RawAvailability;
  /** The error message of a 404, kept so history shows what Bedrock said. */
  notFound: string | null;
  durationMs: number;
}

/** Bedrock could not be asked, or its answer could not be read. Never changes a state. */
export interface CheckFailure extends CheckTarget {
  ok: false;
  kind: FailureKind;
  /** The SDK error name (ThrottlingException, TimeoutError, ...) where there was one. */
  errorName: string | null;
  message: string;
  durationMs: number;
}

export type CheckOutcome = Observation | CheckFailure;

export const TRANSITION_EVENT_SCHEMA = 'bedrock-access-monitor/transition/v1';

/**
 * The outcome of a 1-token Converse call made when a model becomes ENABLED (opt-in per model).
 * `via` is what was invoked: the model id or an inference profile id.
 */
export type VerificationResult =
  | { ok: true; via: string; latencyMs: number }
  | {
      ok: false;
      via: string;
      /** One of ACCESS_CAUSES (src/verify/access-cause.ts). */
      cause: string;
      category: string;
      lasting: boolean;
      explanation: string;
      nextStep: string;
      errorName: string | null;
      message: string;
    };

/** The transition event JSON: the `default` body of every notification. */
export interface TransitionEvent {
  schema: typeof TRANSITION_EVENT_SCHEMA;
  eventId: string;
  kind: TransitionKind;
  account: string;
  modelId: string;
  region: string;
  from: GrantState | null;
  to: GrantState;
  observedAt: string;
  previousSince: string | null;
  raw: RawAvailability;
  /** Present when the model has verification on and this transition made it ENABLED. */
  verification?: VerificationResult;
  /**
   * A `ready` of a pair that was `blocked` (ENABLED, but the verification call failed for a
   * lasting cause) and is verified now: since when it was blocked.
   */
  blockedSince?: string;
  /**
   * Organization mode only: the account's name in AWS Organizations (null for a fixed list of
   * ids). Present, the notification names the account in its subject and bodies.
   */
  accountName?: string | null;
}
