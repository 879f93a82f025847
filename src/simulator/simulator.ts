/**
 * The simulator's core, free of sockets: simulated time, the scripted grants and agreements,
 * the account's use-case form, the fault injector and the stats, and `handle`, which turns one
 * request into one answer plus the delay to wait before sending it. `server.ts` puts it on
 * HTTP/1.1 and HTTP/2.
 */
import type { IncomingHttpHeaders } from 'node:http';
import {
  accessDenied,
  incompleteSignature,
  internalServerError,
  missingAuthenticationToken,
  refusedCredentials,
  type SimulatedError,
  serviceUnavailable,
  throttling,
  unknownOperation,
} from './aws-errors.ts';
import { type OperationContext, readModelLabel, runOperation } from './bedrock-operations.ts';
import { matchBedrockRoute } from './bedrock-routes.ts';
import { readJsonObject, type Validated } from './bedrock-validation.ts';
import { CatalogBook } from './catalog-book.ts';
import { type InvokedModel, resolveInvokedModel } from './converse.ts';
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
import { UseCaseForm } from './use-case-form.ts';
import { type BedrockOperation, iamActionFor, modelIdFromIdentifier } from './wire-vocabulary.ts';

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
  private readonly catalog: CatalogBook;
  private readonly useCaseForm: UseCaseForm;
  private readonly faults: FaultInjector;
  private readonly recorder = new StatsRecorder();

  constructor(
    private readonly scenario: Scenario,
    private readonly clock: () => number = Date.now,
  ) {
    this.startedAtMs = clock();
    this.grants = new GrantBook(scenario);
    this.catalog = new CatalogBook(scenario, this.grants, this.startedAtMs);
    this.useCaseForm = new UseCaseForm(scenario.useCaseFormSubmitted);
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
    const { callerCredentials } = this.scenario;
    if (service === 'sts') {
      if (callerCredentials === 'valid') return this.handleSts(region, request);
      const error = refusedCredentials(callerCredentials, 'query');
      return this.reply(
        region,
        stsOperation(request.body),
        stsErrorAnswer(error, request.requestId),
        { kind: 'error', name: error.name },
      );
    }

    const route = matchBedrockRoute(request.method, url.pathname);
    // AWS checks the credentials before it looks at the request.
    if (callerCredentials !== 'valid') {
      const error = refusedCredentials(callerCredentials, 'rest-json');
      return this.replyError(region, route?.operation ?? 'UnknownOperation', error);
    }
    if (!route) {
      const error = unknownOperation(request.method, url.pathname);
      return this.replyError(region, 'UnknownOperation', error);
    }
    return this.handleBedrock(region, route.operation, route.label, url.searchParams, request.body);
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
    body: string,
  ): SimReply {
    const label = readModelLabel(operation, encodedLabel);
    const time = this.now();
    const invoked =
      operation === 'Converse' && label.ok && label.value !== undefined
        ? resolveInvokedModel(label.value, region, this.scenario.account)
        : undefined;
    const nowMs = this.clock();
    const faultContext: FaultContext = {
      region,
      operation,
      modelId: faultModelId(operation, label, body, invoked),
      invokedId: invoked?.invokedId,
      time,
      nowMs,
    };
    const delayMs = this.faults.latencyMs(faultContext);

    // AWS authorizes and throttles before it validates input, so faults come first.
    const rejection = this.faults.rejection(faultContext);
    if (rejection) {
      const error = this.errorFor(rejection, operation, invoked);
      return this.replyError(region, operation, error, delayMs);
    }
    if (!label.ok) return this.replyError(region, operation, label.error, delayMs);

    const context: OperationContext = {
      region,
      time,
      nowMs,
      grants: this.grants,
      catalog: this.catalog,
      useCaseForm: this.useCaseForm,
      account: this.scenario.account,
      callerArn: this.scenario.callerArn,
      delayMs,
    };
    const result = runOperation(context, operation, { label: label.value, query, body });
    if (!result.ok) return this.replyError(region, operation, result.error, delayMs);

    const malformed = this.faults.malformedKind(faultContext);
    if (malformed) {
      const answer = rawJsonAnswer(malformBody(operation, result.body, malformed), result.status);
      return this.reply(region, operation, answer, { kind: 'malformed' }, delayMs);
    }
    const answer = jsonAnswer(result.body, result.status);
    return this.reply(region, operation, answer, { kind: 'success' }, delayMs);
  }

  private errorFor(
    rejection: Rejection,
    operation: BedrockOperation,
    invoked: InvokedModel | undefined,
  ): SimulatedError {
    switch (rejection.kind) {
      case 'accessDenied': {
        const action = iamActionFor(operation);
        const error = accessDenied(this.scenario.callerArn, action, invoked?.resourceArn);
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

/** The model a fault's `models` filter sees: the foundation model behind a Converse id too. */
function faultModelId(
  operation: BedrockOperation,
  label: Validated<string | undefined>,
  body: string,
  invoked: InvokedModel | undefined,
): string | undefined {
  if (invoked) return invoked.modelId;
  if (operation === 'CreateFoundationModelAgreement') {
    const input = readJsonObject(body);
    const modelId = input.ok ? input.value.modelId : undefined;
    return typeof modelId === 'string' ? modelId : undefined;
  }
  return label.ok && label.value !== undefined ? modelIdFromIdentifier(label.value) : undefined;
}
