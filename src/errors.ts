import type { AccessProblem } from './aws/access-problem.ts';
import type { CheckOutcome } from './grants/types.ts';

/**
 * The monitor's own errors, matched with `instanceof` (never by message text). The CLI prints
 * their message as it is, so each message is written for the person running it.
 */

/** Base of every error the monitor raises on purpose. */
export class BedrockAccessMonitorError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** One thing wrong in a config file. `line` and `column` are 1-based; 0 when the file could not be read at all. */
export interface ConfigProblem {
  file: string;
  line: number;
  column: number;
  /** Where in the config, like `models[2].id`; empty for YAML syntax errors and the file as a whole. */
  path: string;
  message: string;
}

/** One line per problem, `file:line:column: message`, as editors and CI logs link them. */
export function formatProblems(problems: readonly ConfigProblem[]): string {
  return problems
    .map((p) =>
      p.line > 0 ? `${p.file}:${p.line}:${p.column}: ${p.message}` : `${p.file}: ${p.message}`,
    )
    .join('\n');
}

/** The config file is missing, unreadable or invalid; `problems` lists everything found at once. */
export class ConfigError extends BedrockAccessMonitorError {
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[], options?: ErrorOptions) {
    super(formatProblems(problems), options);
    this.problems = problems;
  }
}

/** The command line was used wrongly: an unknown flag, a bad value. */
export class UsageError extends BedrockAccessMonitorError {}

/** The CLI found no AWS credentials in the default chain. */
export class NoCredentialsError extends BedrockAccessMonitorError {}

/**
 * AWS could not be asked with the caller's credentials (none, expired, invalid, an SSO session
 * to renew, no route), found where the SDK's error is no longer at hand; the CLI explains it.
 */
export class AwsAccessError extends BedrockAccessMonitorError {
  readonly problem: AccessProblem;

  constructor(problem: AccessProblem, options?: ErrorOptions) {
    super(problem.reason, options);
    this.name = 'AwsAccessError';
    this.problem = problem;
  }
}

/**
 * A file or port the command line points at cannot be used: a scenario file that does not
 * exist, a state path that is a directory, a port already in use. The message says which and
 * what to give instead.
 */
export class LocalResourceError extends BedrockAccessMonitorError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LocalResourceError';
  }
}

/** The local state file is not ours, not readable, or changed under this run. Left untouched. */
export class StateFileError extends BedrockAccessMonitorError {}

/** The deployed state store could not be read or written; the run fails. */
export class StateStoreError extends BedrockAccessMonitorError {}

/**
 * SNS did not accept a notification (refused, throttled, down, unreachable). The transition stays
 * in the outbox and the next run publishes it; `cause` is the SDK error, matched by its `name`.
 */
export class NotificationError extends BedrockAccessMonitorError {}

/** The Lambda's environment is missing a setting or has a malformed one. */
export class EnvironmentError extends BedrockAccessMonitorError {}

/**
 * A defect of this program (a RangeError, a TypeError, ...) met while checking or verifying:
 * never a transient AWS failure. The run saves what the other checks found, then fails with
 * this error, so the invocation shows in the function's Errors and its alarm fires.
 */
export class DefectError extends BedrockAccessMonitorError {
  readonly defects: readonly unknown[];

  constructor(defects: readonly unknown[]) {
    if (defects.length === 0) throw new RangeError('DefectError needs at least one defect');
    const first = describeError(defects[0]);
    super(
      `${defects.length === 1 ? 'A programming error' : `${defects.length} programming errors`} stopped part of the run (${first}). This is a bug in bedrock-access-monitor, not an AWS failure: the run saved everything else it found. Please report it with this log line.`,
      { cause: defects[0] },
    );
    this.name = 'DefectError';
    this.defects = defects;
  }
}

/**
 * The availability checks met a defect. The outcomes of the checks that completed are kept, so
 * the run stores them before it fails.
 */
export class CheckDefectError extends DefectError {
  readonly outcomes: readonly CheckOutcome[];

  constructor(defects: readonly unknown[], outcomes: readonly CheckOutcome[]) {
    super(defects);
    this.name = 'CheckDefectError';
    this.outcomes = outcomes;
  }
}

/**
 * A message could not be delivered to EventBridge: the request failed, or EventBridge refused
 * the entry (`errorCode`, from PutEvents' per-entry result). The event stays owed.
 */
export class EventBridgeDeliveryError extends BedrockAccessMonitorError {
  constructor(
    message: string,
    /** The entry's ErrorCode (InternalFailure, ThrottlingException, ...), or the SDK error name. */
    readonly errorCode: string | null,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'EventBridgeDeliveryError';
  }
}

/** An error's name and message; a thrown value that is not an Error has no name. */
export function errorNameAndMessage(error: unknown): { name: string | null; message: string } {
  return error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: null, message: String(error) };
}

/** `Name: message` on one line, for logs and for messages that quote an error. */
export function describeError(error: unknown): string {
  const { name, message } = errorNameAndMessage(error);
  return name === null ? message : `${name}: ${message}`;
}

/**
 * Organization mode: the planner could not put every account's work message on the queue
 * (SendMessageBatch refused some entries after every retry, or the queue could not be reached).
 * The run fails, so the function's Errors alarm fires: an account left out is never checked.
 */
export class EnqueueError extends BedrockAccessMonitorError {
  constructor(
    message: string,
    /** The accounts whose messages are not on the queue. */
    readonly accounts: readonly string[],
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'EnqueueError';
  }
}

/** Organization mode: the accounts could not be listed from AWS Organizations. */
export class AccountListingError extends BedrockAccessMonitorError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'AccountListingError';
  }
}

/** A work message on the queue is not one this version reads; it is dropped, never retried. */
export class WorkMessageError extends BedrockAccessMonitorError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'WorkMessageError';
  }
}

/**
 * Organization mode: the worker could not assume the member account's role. `denied` when STS
 * refused it (no role, a trust policy that does not name the worker, an SCP): the account is
 * unreachable. Otherwise a transient failure (throttled, STS unreachable) that says nothing.
 */
export class MemberAccessError extends BedrockAccessMonitorError {
  constructor(
    message: string,
    readonly account: string,
    readonly denied: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'MemberAccessError';
  }
}
