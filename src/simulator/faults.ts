/**
 * Decides, per request, which scripted faults apply. A rule matches by region, model,
 * operation and time window; within matching rules (in file order) the kinds are tried in the
 * order AWS would fail a request: accessDenied (authorization), throttle, serverError, and,
 * only for an answer that would have succeeded, malformed. The first that fires wins. Each kind
 * counts only the requests that reached it, so `throttle: 0.5` plus `serverError: 0.5` throttles
 * every 2nd request and fails every 2nd of the others. Counters and token buckets are kept per
 * rule, account and region, as AWS keeps its quotas per account and Region: a rule that names no
 * account gives each account a bucket of its own.
 */
import { EvenShare, TokenBucket } from './fault-counters.ts';
import type { FaultSpec, MalformedKind } from './scenario-schema.ts';
import type { SimTime } from './timeline.ts';
import { BEDROCK_OPERATIONS, type FaultOperation } from './wire-vocabulary.ts';

export interface FaultContext {
  /** The account the request is about: the caller's, or for AssumeRole the role's. */
  account: string;
  region: string;
  operation: FaultOperation;
  /** The model the request names (for Converse, the one behind an inference profile). */
  modelId: string | undefined;
  /** Converse only: the id as the caller named it, e.g. the inference profile id. */
  invokedId?: string | undefined;
  time: SimTime;
  /** The clock's milliseconds, for token buckets. */
  nowMs: number;
}

export type Rejection =
  | { kind: 'accessDenied'; message: string | undefined }
  | { kind: 'throttle' }
  | { kind: 'serverError'; status: 500 | 503 };

function inWindow(rule: FaultSpec, time: SimTime): boolean {
  if (rule.from !== undefined && time.tick < rule.from) return false;
  if (rule.until !== undefined && time.tick >= rule.until) return false;
  if (rule.fromSeconds !== undefined && time.seconds < rule.fromSeconds) return false;
  if (rule.untilSeconds !== undefined && time.seconds >= rule.untilSeconds) return false;
  return true;
}

function matches(rule: FaultSpec, context: FaultContext): boolean {
  if (rule.account !== undefined && rule.account !== context.account) return false;
  if (rule.region !== undefined && rule.region !== context.region) return false;
  if (rule.operations && !rule.operations.includes(context.operation)) return false;
  // A rule that names no operations is about Bedrock: it leaves STS and Organizations alone.
  const bedrock: readonly string[] = BEDROCK_OPERATIONS;
  if (!rule.operations && !bedrock.includes(context.operation)) return false;
  // A rule restricted to models never hits operations that name none (ListFoundationModels).
  if (rule.models) {
    const named = [context.modelId, context.invokedId];
    if (!named.some((id) => id !== undefined && rule.models?.includes(id))) return false;
  }
  return inWindow(rule, context.time);
}

export class FaultInjector {
  private readonly shares = new EvenShare();
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(private readonly rules: readonly FaultSpec[]) {}

  /** Total delay of all matching rules, applied to every answer, errors included. */
  latencyMs(context: FaultContext): number {
    return this.matchingRules(context).reduce((sum, { rule }) => sum + (rule.latencyMs ?? 0), 0);
  }

  /** The fault that answers instead of the operation, if any. */
  rejection(context: FaultContext): Rejection | undefined {
    for (const { rule, index } of this.matchingRules(context)) {
      const key = (kind: string) => `${index} ${kind} ${context.account} ${context.region}`;
      if (rule.accessDenied && this.shares.hits(key('accessDenied'), rule.accessDenied.share)) {
        return { kind: 'accessDenied', message: rule.accessDenied.message };
      }
      if (rule.throttle && this.isThrottled(rule.throttle, key('throttle'), context.nowMs)) {
        return { kind: 'throttle' };
      }
      if (rule.serverError && this.shares.hits(key('serverError'), rule.serverError.share)) {
        return { kind: 'serverError', status: rule.serverError.status };
      }
    }
    return undefined;
  }

  /** How to garble a successful answer, if a rule says so. */
  malformedKind(context: FaultContext): MalformedKind | undefined {
    for (const { rule, index } of this.matchingRules(context)) {
      const key = `${index} malformed ${context.account} ${context.region}`;
      if (rule.malformed && this.shares.hits(key, rule.malformed.share)) return rule.malformed.kind;
    }
    return undefined;
  }

  private isThrottled(throttle: NonNullable<FaultSpec['throttle']>, key: string, nowMs: number) {
    if (throttle.ratePerSecond === undefined) return this.shares.hits(key, throttle.share ?? 1);
    let bucket = this.buckets.get(key);
    if (!bucket) {
      const capacity = throttle.burst ?? Math.max(1, Math.floor(throttle.ratePerSecond));
      bucket = new TokenBucket(throttle.ratePerSecond, capacity, nowMs);
      this.buckets.set(key, bucket);
    }
    return !bucket.take(nowMs);
  }

  private matchingRules(context: FaultContext) {
    return this.rules
      .map((rule, index) => ({ rule, index }))
      .filter(({ rule }) => matches(rule, context));
  }
}
