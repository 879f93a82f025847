/**
 * The "request access" step: read the grant, show the offer, get a yes, create the agreement,
 * then watch the grant until it settles. Every Bedrock call goes through the client passed in;
 * time, the question and the progress line come in too, so tests run it without a terminal or
 * real waiting.
 */
import {
  type BedrockClient,
  CreateFoundationModelAgreementCommand,
  GetFoundationModelAvailabilityCommand,
  ListFoundationModelAgreementOffersCommand,
} from '@aws-sdk/client-bedrock';
import { rethrowIfNoCredentials } from '../aws/no-credentials.ts';
import { classifyCheckError } from '../bedrock/classify-error.ts';
import { NOT_FOUND_RAW, parseAvailabilityAnswer } from '../bedrock/parse-availability.ts';
import { BedrockAccessMonitorError, errorNameAndMessage } from '../errors.ts';
import { deriveGrantState } from '../grants/grant-state.ts';
import type { GrantState } from '../grants/types.ts';
import { formatElapsed } from './elapsed.ts';
import { describeGrant, type GrantProgress } from './grant-progress.ts';
import { renderOffer } from './render-offer.ts';
import { type GrantLook, type WatchClock, watchGrant } from './watch-grant.ts';

export interface RequestTarget {
  modelId: string;
  region: string;
}

export interface RequestAccessDeps {
  /** A control-plane client for the target's region. */
  bedrock: BedrockClient;
  clock: WatchClock;
  /** Asks the person at the terminal; undefined when nobody is there to answer. */
  confirm: ((question: string) => Promise<boolean>) | undefined;
  out: (line: string) => void;
  err: (line: string) => void;
  progress: GrantProgress;
}

export interface RequestAccessOptions {
  /** --yes: accept the provider's terms without asking. */
  yes: boolean;
  intervalMs: number;
  timeoutMs: number;
}

/** How a request ended; the command turns each into its exit code. */
export type RequestOutcome =
  /** ENABLED, at once or after watching. */
  | 'enabled'
  /** The agreement FAILED, or the model cannot be requested here (not offered, not authorized). */
  | 'not-granted'
  /** Still not settled when the timeout came. */
  | 'timed-out'
  /** Not on a terminal and no --yes: nothing created. */
  | 'refused'
  /** The person answered no. */
  | 'declined';

const COMMAND = 'request';

/** Runs the whole request; prints as it goes and resolves with how it ended. */
export async function requestAccess(
  deps: RequestAccessDeps,
  target: RequestTarget,
  options: RequestAccessOptions,
): Promise<RequestOutcome> {
  const { modelId, region } = target;
  const label = `${modelId} in ${region}`;
  const first = await readGrant(deps.bedrock, modelId);
  if (!first.ok) {
    throw new BedrockAccessMonitorError(
      `Could not read the grant of ${label} (GetFoundationModelAvailability: ${first.message}). Nothing was requested; try again in a minute.`,
    );
  }
  deps.out(`${label}: ${describeGrant(first.state, first.raw)}`);

  switch (first.state) {
    case 'ENABLED':
      deps.out(`Access is already ENABLED: nothing to request.`);
      return 'enabled';
    case 'NOT_OFFERED':
    case 'NOT_AUTHORIZED':
      deps.out(cannotRequest(first.state, target));
      return 'not-granted';
    case 'IN_PROGRESS':
      deps.out(
        'Access was already requested and is being processed: watching it (nothing new is requested).',
      );
      return watch(deps, target, options);
    case 'FAILED':
      deps.out(
        `The last request failed${first.raw.agreementError ? `: ${first.raw.agreementError}` : ''}. It can be requested again.`,
      );
      break;
    case 'NOT_ENABLED':
      break;
  }

  const offers = await listOffers(deps.bedrock, modelId, label);
  const [offer, ...others] = offers;
  if (offer?.offerToken === undefined) {
    throw new BedrockAccessMonitorError(
      `Bedrock lists no agreement offer for ${label}, so there are no terms to accept and nothing to request. Run \`bedrock-access-monitor diagnose ${modelId} --region ${region}\` to see what stands in the way.`,
    );
  }
  deps.out('');
  deps.out(renderOffer(offer, others.length));
  deps.out('');

  if (!options.yes) {
    if (deps.confirm === undefined) {
      deps.err(
        `Not requesting access to ${label}: a request accepts the provider's terms, and there is no terminal to ask. Read the offer above, then run the command again with --yes to accept it.`,
      );
      return 'refused';
    }
    const question = `Request access to ${label}? This accepts the provider's terms. [y/N] `;
    if (!(await deps.confirm(question))) {
      deps.out('Nothing requested.');
      return 'declined';
    }
  } else {
    deps.out("Accepting the provider's terms (--yes).");
  }

  await createAgreement(deps, target, offer.offerToken);
  return watch(deps, target, options);
}

async function watch(
  deps: RequestAccessDeps,
  target: RequestTarget,
  options: RequestAccessOptions,
): Promise<RequestOutcome> {
  const { modelId, region } = target;
  deps.out(
    `Watching the grant every ${options.intervalMs / 1000} s, for up to ${formatElapsed(options.timeoutMs)}:`,
  );
  const end = await watchGrant(
    async () => {
      const look = await readGrant(deps.bedrock, modelId);
      if (!look.ok && look.lasting) {
        throw new BedrockAccessMonitorError(
          `Stopped watching ${modelId} in ${region}: GetFoundationModelAvailability failed (${look.message}). The request stands; run the command again to watch it.`,
        );
      }
      return look;
    },
    deps.clock,
    deps.progress,
    options,
  );
  const after = formatElapsed(end.elapsedMs);
  if (end.kind === 'timed-out') {
    deps.out(
      `Still ${end.state ?? 'not known'} after ${after}: stopped watching. The request stands and Bedrock goes on with it; run the same command again to keep watching (it does not request twice).`,
    );
    return 'timed-out';
  }
  switch (end.state) {
    case 'ENABLED':
      deps.out(
        `Access to ${modelId} in ${region} is ENABLED (after ${after}). To confirm with a 1-token call (billed): bedrock-access-monitor diagnose ${modelId} --region ${region}`,
      );
      return 'enabled';
    case 'FAILED':
      deps.out(
        `The request failed: ${end.raw.agreementError ?? 'Bedrock gave no reason'}. Fix what it names (often the AWS Marketplace subscription or the account's payment method), then run the command again.`,
      );
      return 'not-granted';
    default:
      deps.out(cannotRequest(end.state, target));
      return 'not-granted';
  }
}

function cannotRequest(state: GrantState, { modelId, region }: RequestTarget): string {
  return state === 'NOT_OFFERED'
    ? `${modelId} is not offered in ${region}: access cannot be requested there. Use a region that offers it.`
    : `Bedrock reports this account as NOT_AUTHORIZED for ${modelId} in ${region}; an agreement does not change that. See \`bedrock-access-monitor diagnose ${modelId} --region ${region}\`.`;
}

/** A look at the grant; a failed one says whether waiting could help (throttling) or not (denied). */
type GrantRead =
  | Extract<GrantLook, { ok: true }>
  | { ok: false; message: string; lasting: boolean };

/** GetFoundationModelAvailability as a state; a 404 is NOT_OFFERED. */
async function readGrant(client: BedrockClient, modelId: string): Promise<GrantRead> {
  try {
    const answer = await client.send(new GetFoundationModelAvailabilityCommand({ modelId }));
    const parsed = parseAvailabilityAnswer(answer);
    if (!parsed.ok) return { ok: false, message: parsed.problem, lasting: false };
    return {
      ok: true,
      state: deriveGrantState({ raw: parsed.raw, notFound: null }),
      raw: parsed.raw,
    };
  } catch (error) {
    rethrowIfNoCredentials(error, COMMAND);
    const classified = classifyCheckError(error);
    if (classified.type === 'defect') throw error;
    if (classified.type === 'not-found') {
      return { ok: true, state: 'NOT_OFFERED', raw: NOT_FOUND_RAW };
    }
    const message =
      classified.errorName === null
        ? classified.message
        : `${classified.errorName}: ${classified.message}`;
    return {
      ok: false,
      message,
      lasting: classified.kind === 'denied' || classified.kind === 'rejected',
    };
  }
}

async function listOffers(client: BedrockClient, modelId: string, label: string) {
  try {
    const { offers } = await client.send(
      new ListFoundationModelAgreementOffersCommand({ modelId }),
    );
    return offers ?? [];
  } catch (error) {
    rethrowIfNoCredentials(error, COMMAND);
    throw new BedrockAccessMonitorError(
      `Could not list the agreement offers for ${label} (ListFoundationModelAgreementOffers: ${describeSdkError(error)}). Nothing was requested.`,
      { cause: error },
    );
  }
}

/** CreateFoundationModelAgreement; a ConflictException means it was requested already. */
async function createAgreement(
  deps: RequestAccessDeps,
  { modelId, region }: RequestTarget,
  offerToken: string,
): Promise<void> {
  try {
    await deps.bedrock.send(new CreateFoundationModelAgreementCommand({ modelId, offerToken }));
    deps.out('Access requested.');
  } catch (error) {
    rethrowIfNoCredentials(error, COMMAND);
    if ((error as Error).name === 'ConflictException') {
      deps.out(
        `Bedrock already has a request for ${modelId} in ${region} (${describeSdkError(error)}).`,
      );
      return;
    }
    const denied = classifyCheckError(error);
    const needs =
      denied.type === 'failure' && denied.kind === 'denied'
        ? ' The caller needs bedrock:CreateFoundationModelAgreement and, for third-party models, aws-marketplace:Subscribe and aws-marketplace:ViewSubscriptions.'
        : ' Run the command again: it reads the grant first and does not request twice.';
    throw new BedrockAccessMonitorError(
      `Bedrock did not accept the request for ${modelId} in ${region} (CreateFoundationModelAgreement: ${describeSdkError(error)}).${needs}`,
      { cause: error },
    );
  }
}

function describeSdkError(error: unknown): string {
  const { name, message } = errorNameAndMessage(error);
  return name === null || name === 'Error' ? message : `${name}: ${message}`;
}
