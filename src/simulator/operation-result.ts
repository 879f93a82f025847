/** What an operation handler returns: the success body and status, or the error AWS would send. */
import type { SimulatedError } from './aws-errors.ts';

export type OperationResult =
  | {
      ok: true;
      body: Record<string, unknown>;
      /** The operation's `smithy.api#http` code; 200 when omitted. */
      status?: number;
    }
  | { ok: false; error: SimulatedError };
