/**
 * The simulator's core, free of sockets: simulated time, the scripted grants, the fault
 * injector and the stats, and `handle`, which turns one request into one answer plus the
 * delay to wait before sending it. `server.ts` puts it on node:http.
 */
import type { IncomingHttpHeaders } from 'node:http';
import {
  accessDenied,
  incompleteSignature,
  internalServerError,
  missingAuthenticationToken,
  type SimulatedError,
  serviceUnavailable,
  throttling,
  unknownOperation,
} from './aws-errors.ts';
import { readModelLabel, runOperation } from './bedrock-operations.ts';
import { matchBedrockRoute } from './bedrock-routes.ts';
import { type FaultContext, FaultInjector, type Rejection } from './faults.ts';
import { GrantBook } from './grant-book.ts';
import { malformBody } from './malformed.ts';
import { type HttpAnswer, jsonAnswer, rawJsonAnswer, restJsonErrorAnswer } from './responses.ts';
import type { Scenario } from './scenario.ts';
import { readCredentialScope } from './sigv4-scope.ts';
import {
  type AnswerOutcome,
  type OperationName,
  type SimulatorStats,
  StatsRecorder,
} from './stats.ts';
import { answerStsQuery, looksLikeStsQuery, stsAction, stsErrorAnswer } from './sts.ts';
import type { SimTime } from './timeline.ts';
import { type BedrockOperation, modelIdFromIdentifier } from './wire-vocabulary.ts';

export interface SimRequest {
  method: string;
  /** Path and query, as in the request line. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  requestId: string;
}

export interface SimReply {
  answer: HttpAnswer;
  /** Scripted latency to wait before sending the answer. */
  delayMs: number;
}

/** Stats key for requests without a readable credential scope. */
export const UNSIGNED_REGION = 'unsigned';

export class BedrockSimulator {
  private currentTick = 0;
  private readonly startedAtMs: number;
  private readonly grants: GrantBook;
  private readonly faults: FaultInjector;
  private readonly recorder = new StatsRecorder();

  constructor(
    private readonly scenario: Scenario,
    private readonly clock: () => number = Date.now,
  ) {
    this.startedAtMs = clock();
    this.grants = new GrantBook(scenario);
    this.faults = new FaultInjector(scenario.faults);
  }

  now(): SimTime {
    return { tick: this.currentTick, seconds: (this.clock() - this.startedAtMs) / 1000 };
  }

  /** Advances time by `by` ticks (default 1); returns the new tick. */
  tick(by = 1): number {
    this.setTick(this.currentTick + by);
    return this.currentTick;
  }

  setTick(tick: number): void {
    if (!Number.isInteger(tick) || tick < 0) {
      throw new RangeError(`tick must be a non-negative integer, got ${tick}`);
    }
    this.currentTick = tick;
  }

  stats(): SimulatorStats {
    return this.recorder.snapshot(this.now());
  }

  resetStats(): void {
    this.recorder.reset();
  }

  handle(request: SimRequest): SimReply {
    const url = new URL(request.url, 'http://simulator.invalid');
    const scope = readCredentialScope(request.headers.authorization);
    if (scope.kind !== 'signed') {
      const error =
        scope.kind === 'missing' ? missingAuthenticationToken() : incompleteSignature(scope.detail);
      return this.rejectUnsigned(request, url, error);
    }

    const { region, service } = scope.scope;
    if (service === 'sts') return this.handleSts(region, request);

    const route = matchBedrockRoute(request.method, url.pathname);
    if (!route) {
      const error = unknownOperation(request.method, url.pathname);
      return this.replyError(region, 'UnknownOperation', error);
    }
    return this.handleBedrock(region, route.operation, route.label, url.searchParams);
  }

  /** Answers in the protocol the caller spoke: Query XML for STS, REST-JSON otherwise. */
  private rejectUnsigned(request: SimRequest, url: URL, error: SimulatedError): SimReply {
    if (looksLikeStsQuery(request.method, url.pathname, request.body)) {
      // Query-protocol services drop the suffix: MissingAuthenticationToken, IncompleteSignature.
      const stsError = { ...error, name: error.name.replace(/Exception$/, '') };
      const answer = stsErrorAnswer(stsError, request.requestId);
      return this.reply(UNSIGNED_REGION, stsOperation(request.body), answer, {
        kind: 'error',
        name: stsError.name,
      });
    }
    const route = matchBedrockRoute(request.method, url.pathname);
    return this.replyError(UNSIGNED_REGION, route?.operation ?? 'UnknownOperation', error);
  }

  private handleSts(region: string, request: SimRequest): SimReply {
    const operation = stsOperation(request.body);
    const result = answerStsQuery(request.body, this.scenario, request.requestId);
    if (result.ok) return this.reply(region, operation, result.answer, { kind: 'success' });
    const answer = stsErrorAnswer(result.error, request.requestId);
    return this.reply(region, operation, answer, { kind: 'error', name: result.error.name });
  }

  private handleBedrock(
    region: string,
    operation: BedrockOperation,
    encodedLabel: string | undefined,
    query: URLSearchParams,
  ): SimReply {
    const label = readModelLabel(operation, encodedLabel);
    const time = this.now();
    const faultContext: FaultContext = {
      region,
      operation,
      modelId:
        label.ok && label.value !== undefined ? modelIdFromIdentifier(label.value) : undefined,
      time,
      nowMs: this.clock(),
    };
    const delayMs = this.faults.latencyMs(faultContext);

    // AWS authorizes and throttles before it validates input, so faults come first.
    const rejection = this.faults.rejection(faultContext);
    if (rejection) {
      return this.replyError(region, operation, this.errorFor(rejection, operation), delayMs);
    }
    if (!label.ok) return this.replyError(region, operation, label.error, delayMs);

    const context = { region, time, grants: this.grants };
    const result = runOperation(context, operation, label.value, query);
    if (!result.ok) return this.replyError(region, operation, result.error, delayMs);

    const malformed = this.faults.malformedKind(faultContext);
    if (malformed) {
      const answer = rawJsonAnswer(malformBody(operation, result.body, malformed));
      return this.reply(region, operation, answer, { kind: 'malformed' }, delayMs);
    }
    return this.reply(region, operation, jsonAnswer(result.body), { kind: 'success' }, delayMs);
  }

  private errorFor(rejection: Rejection, operation: BedrockOperation): SimulatedError {
    switch (rejection.kind) {
      case 'accessDenied': {
        const error = accessDenied(this.scenario.callerArn, operation);
        return rejection.message === undefined ? error : { ...error, message: rejection.message };
      }
      case 'throttle':
        return throttling();
      case 'serverError':
        return rejection.status === 503 ? serviceUnavailable() : internalServerError();
    }
  }

  private replyError(
    region: string,
    operation: OperationName,
    error: SimulatedError,
    delayMs = 0,
  ): SimReply {
    const outcome: AnswerOutcome = { kind: 'error', name: error.name };
    return this.reply(region, operation, restJsonErrorAnswer(error), outcome, delayMs);
  }

  private reply(
    region: string,
    operation: OperationName,
    answer: HttpAnswer,
    outcome: AnswerOutcome,
    delayMs = 0,
  ): SimReply {
    this.recorder.record(region, operation, outcome);
    return { answer, delayMs };
  }
}

function stsOperation(body: string): OperationName {
  return stsAction(body) === 'GetCallerIdentity' ? 'GetCallerIdentity' : 'UnknownOperation';
}
