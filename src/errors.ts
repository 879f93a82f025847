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
 * Code a run needed (the SNS notifier, the Converse verifier) could not be loaded: the package
 * is broken. Thrown after the run has saved its state, so the invocation fails and shows in
 * the function's Errors, while the transitions wait in the outbox.
 */
export class DeliveryLoadError extends BedrockAccessMonitorError {}

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

/**
 * A TypeError or RangeError is a bug to fail loudly on, never a failed AWS call, unless the
 * SDK raised it while reading an answer (a timestamp it cannot parse): then it carries the
 * answer's `$metadata`, and the answer is malformed.
 */
export function isProgrammingError(error: unknown): boolean {
  if (!(error instanceof TypeError || error instanceof RangeError)) return false;
  return !('$metadata' in error);
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
