/**
 * Simulated time and the scripted timelines. Time has two axes: ticks, advanced on purpose by
 * a test or the demo, and seconds since the simulator started, from an injectable clock.
 */
import type { CatalogEntry, CatalogScript } from './catalog-book.ts';
import { answerFromSpec, type GrantAnswer } from './grant-answers.ts';
import { type InvokeResult, isInvokePreset } from './invoke-outcomes.ts';
import type {
  AgreementSpec,
  CatalogEntrySpec,
  InvokeEntrySpec,
  ScenarioFile,
} from './scenario-schema.ts';

export interface SimTime {
  tick: number;
  /** Seconds since the simulator started. */
  seconds: number;
}

/** One moment of a timeline: a GetFoundationModelAvailability answer, or a Converse result. */
export type TimelineEntry<T = GrantAnswer> =
  | { at: number; answer: T }
  | { afterSeconds: number; answer: T };

/** How long after CreateFoundationModelAgreement the agreement settles. */
export type SimDelay = { seconds: number } | { ticks: number };

/** What a CreateFoundationModelAgreement for one pair leads to. */
export interface AgreementPlan {
  delay: SimDelay;
  outcome: 'ENABLED' | 'FAILED';
  /** The agreement's errorMessage for outcome FAILED. */
  message: string | undefined;
}

export interface GrantScript {
  /** Undefined: every account. */
  account: string | undefined;
  region: string;
  modelId: string;
  /** GetFoundationModelAvailability answers; empty when the grant scripts only `invoke`. */
  timeline: TimelineEntry[];
  /** Converse results; empty when none are scripted. */
  invoke: TimelineEntry<InvokeResult>[];
  /** Undefined: the scenario's default agreement plan. */
  agreement: AgreementPlan | undefined;
}

/** The default: two seconds on the simulator's clock, then ENABLED. */
export const DEFAULT_AGREEMENT_DELAY: SimDelay = { seconds: 2 };

function isReached<T>(entry: TimelineEntry<T>, time: SimTime): boolean {
  return 'at' in entry ? time.tick >= entry.at : time.seconds >= entry.afterSeconds;
}

/** The entry in force is the last one (in file order) whose moment has been reached. */
export function answerInForce<T>(timeline: TimelineEntry<T>[], time: SimTime): T | undefined {
  let inForce: T | undefined;
  for (const entry of timeline) {
    if (isReached(entry, time)) inForce = entry.answer;
  }
  return inForce;
}

/** True once `delay` has passed since `since`. */
export function hasElapsed(delay: SimDelay, since: SimTime, now: SimTime): boolean {
  return 'ticks' in delay
    ? now.tick - since.tick >= delay.ticks
    : now.seconds - since.seconds >= delay.seconds;
}

function timed<T>(entry: { at?: number; afterSeconds?: number }, answer: T): TimelineEntry<T> {
  return entry.at !== undefined
    ? { at: entry.at, answer }
    : { afterSeconds: entry.afterSeconds ?? 0, answer };
}

function invokeResultFromSpec(entry: InvokeEntrySpec): InvokeResult {
  if (entry.result === 'ok') return { kind: 'ok' };
  const { error } = entry;
  if (entry.result === 'grant' || error === undefined) return { kind: 'grant' };
  if (isInvokePreset(error)) return { kind: 'preset', preset: error };
  return { kind: 'error', name: error, message: entry.message };
}

export function agreementDelayFrom(spec: {
  delaySeconds?: number | undefined;
  delayTicks?: number | undefined;
}): SimDelay | undefined {
  if (spec.delayTicks !== undefined) return { ticks: spec.delayTicks };
  if (spec.delaySeconds !== undefined) return { seconds: spec.delaySeconds };
  return undefined;
}

function agreementPlanFrom(spec: AgreementSpec, fallback: SimDelay): AgreementPlan {
  return {
    delay: agreementDelayFrom(spec) ?? fallback,
    outcome: spec.outcome,
    message: spec.message,
  };
}

export function grantScriptsFromFile(file: ScenarioFile, defaultDelay: SimDelay): GrantScript[] {
  return file.grants.map((grant) => ({
    account: grant.account,
    region: grant.region,
    modelId: grant.model,
    timeline: (grant.timeline ?? []).map((entry) => timed(entry, answerFromSpec(entry))),
    invoke: (grant.invoke ?? []).map((entry) => timed(entry, invokeResultFromSpec(entry))),
    agreement: grant.agreement && agreementPlanFrom(grant.agreement, defaultDelay),
  }));
}

function catalogEntryFromSpec(entry: CatalogEntrySpec): CatalogEntry {
  if (!entry.listed || entry.status === undefined) return { listed: false };
  const { startOfLifeTime, legacyTime, publicExtendedAccessTime, endOfLifeTime } = entry;
  return {
    listed: true,
    status: entry.status,
    dates: { startOfLifeTime, legacyTime, publicExtendedAccessTime, endOfLifeTime },
  };
}

export function catalogScriptsFromFile(file: ScenarioFile): CatalogScript[] {
  return file.catalogTimeline.map((script) => ({
    modelId: script.model,
    region: script.region,
    timeline: script.timeline.map((entry) => timed(entry, catalogEntryFromSpec(entry))),
  }));
}
