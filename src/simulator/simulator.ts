/**
 * The simulator's core, free of sockets: simulated time, the scripted grants and agreements,
 * the account's use-case form, the fault injector and the stats, and `handle`, which turns one
 * request into one answer plus the delay to wait before sending it. `server.ts` puts it on
 * HTTP/1.1 and HTTP/2.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { assumeRole } from './assume-role.ts';
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
import { type Caller, CallerBook } from './callers.ts';
import { CatalogBook } from './catalog-book.ts';
import { type InvokedModel, resolveInvokedModel } from './converse.ts';
import { type FaultContext, FaultInjector, type Rejection } from './faults.ts';
import { GrantBook } from './grant-book.ts';
import { malformBody } from './malformed.ts';
import {
  OrganizationBook,
  organizationsErrorAnswer,
  organizationsOperation,
  tooManyRequests,
} from './organizations.ts';
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
import {
  type BedrockOperation,
  type FaultOperation,
  iamActionFor,
  modelIdFromIdentifier,
} from './wire-vocabulary.ts';

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
  private readonly callers: CallerBook;
  private readonly organization: OrganizationBook | undefined;

  constructor(
    private readonly scenario: Scenario,
    private readonly clock: () => number = Date.now,
  ) {
    this.startedAtMs = clock();
    this.grants = new GrantBook(scenario);
    this.catalog = new CatalogBook(
      scenario,
      this.grants.forAccount(scenario.account),
      this.startedAtMs,
    );
    this.callers = new CallerBook({ account: scenario.account, callerArn: scenario.callerArn });
    this.organization =
      scenario.organization &&
      new OrganizationBook(scenario.organization, scenario.account, this.startedAtMs);
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
    const caller = this.callers.identify(scope.scope.accessKeyId);
    if (service === 'organizations') return this.handleOrganizations(region, request, caller);
    if (service === 'sts') {
      if (callerCredentials === 'valid') return this.handleSts(region, request, caller);
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
    return this.handleBedrock(
      caller,
      region,
      route.operation,
      route.label,
      url.searchParams,
      request.body,
    );
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

  private handleSts(region: string, request: SimRequest, caller: Caller): SimReply {
    const operation = stsOperation(request.body);
    if (operation === 'AssumeRole') return this.handleAssumeRole(region, request, caller);
    const result = answerStsQuery(request.body, caller, request.requestId);
    if (result.ok) return this.reply(region, operation, result.answer, { kind: 'success' });
    const answer = stsErrorAnswer(result.error, request.requestId);
    return this.reply(region, operation, answer, { kind: 'error', name: result.error.name });
  }

  private handleAssumeRole(region: string, request: SimRequest, caller: Caller): SimReply {
    const params = new URLSearchParams(request.body);
    const roleAccount = /^arn:[^:]+:iam::(\d{12}):/.exec(params.get('RoleArn') ?? '')?.[1];
    const rejection = this.rejectionFor(roleAccount ?? caller.account, region, 'AssumeRole');
    const result =
      rejection === undefined
        ? assumeRole(params, {
            caller,
            ownAccount: this.scenario.account,
            organization: this.scenario.organization,
            callers: this.callers,
            nowMs: this.clock(),
            requestId: request.requestId,
          })
        : { ok: false as const, error: stsError(rejection, caller, params.get('RoleArn')) };
    if (result.ok) return this.reply(region, 'AssumeRole', result.answer, { kind: 'success' });
    const answer = stsErrorAnswer(result.error, request.requestId);
    return this.reply(region, 'AssumeRole', answer, { kind: 'error', name: result.error.name });
  }

  private handleOrganizations(region: string, request: SimRequest, caller: Caller): SimReply {
    const target = request.headers['x-amz-target'];
    const operation = organizationsOperation(Array.isArray(target) ? target[0] : target);
    const fail = (error: SimulatedError, name: OperationName = operation ?? 'UnknownOperation') =>
      this.reply(region, name, organizationsErrorAnswer(error), {
        kind: 'error',
        name: error.name,
      });
    if (operation === undefined) {
      return fail({
        name: 'UnknownOperationException',
        status: 400,
        message: `Unknown operation ${String(target)}`,
      });
    }
    const rejection = this.rejectionFor(caller.account, region, operation);
    if (rejection !== undefined) return fail(organizationsError(rejection, caller, operation));
    if (this.organization === undefined) {
      return fail({
        name: 'AWSOrganizationsNotInUseException',
        status: 400,
        message: 'Your account is not a member of an organization.',
      });
    }
    const result = this.organization.handle(operation, request.body, caller.account);
    if (!result.ok) return fail(result.error);
    return this.reply(region, operation, result.answer, { kind: 'success' });
  }

  /** The fault, if any, that refuses a request to STS or Organizations. */
  private rejectionFor(
    account: string,
    region: string,
    operation: FaultOperation,
  ): Rejection | undefined {
    const nowMs = this.clock();
    return this.faults.rejection({
      account,
      region,
      operation,
      modelId: undefined,
      time: this.now(),
      nowMs,
    });
  }

  private handleBedrock(
    caller: Caller,
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
        ? resolveInvokedModel(label.value, region, caller.account)
        : undefined;
    const nowMs = this.clock();
    const faultContext: FaultContext = {
      account: caller.account,
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
      const error = this.errorFor(rejection, operation, invoked, caller);
      return this.replyError(region, operation, error, delayMs);
    }
    if (!label.ok) return this.replyError(region, operation, label.error, delayMs);

    const context: OperationContext = {
      region,
      time,
      nowMs,
      grants: this.grants.forAccount(caller.account),
      catalog: this.catalog,
      useCaseForm: this.useCaseForm,
      account: caller.account,
      callerArn: caller.callerArn,
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
    caller: Caller,
  ): SimulatedError {
    switch (rejection.kind) {
      case 'accessDenied': {
        const action = iamActionFor(operation);
        const error = accessDenied(caller.callerArn, action, invoked?.resourceArn);
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
  const action = stsAction(body);
  return action === 'GetCallerIdentity' || action === 'AssumeRole' ? action : 'UnknownOperation';
}

/** A scripted fault as STS (Query protocol) names it. */
function stsError(rejection: Rejection, caller: Caller, roleArn: string | null): SimulatedError {
  switch (rejection.kind) {
    case 'accessDenied':
      return {
        name: 'AccessDenied',
        status: 403,
        message:
          rejection.message ??
          `User: ${caller.callerArn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn ?? ''}`,
      };
    case 'throttle':
      return { name: 'Throttling', status: 400, message: 'Rate exceeded' };
    case 'serverError':
      return {
        name: 'InternalFailure',
        status: rejection.status,
        message: 'An internal error occurred.',
      };
  }
}

/** A scripted fault as Organizations (JSON 1.1) names it. */
function organizationsError(
  rejection: Rejection,
  caller: Caller,
  operation: string,
): SimulatedError {
  switch (rejection.kind) {
    case 'accessDenied':
      return {
        name: 'AccessDeniedException',
        status: 400,
        message:
          rejection.message ??
          `User: ${caller.callerArn} is not authorized to perform: organizations:${operation}`,
      };
    case 'throttle':
      return tooManyRequests();
    case 'serverError':
      return {
        name: 'ServiceException',
        status: rejection.status,
        message: "Organizations can't complete your request because of an internal service error.",
      };
  }
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
