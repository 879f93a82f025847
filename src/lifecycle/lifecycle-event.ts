/**
 * The `lifecycle` event: something about a watched model's retirement that a person should
 * hear about once. Its JSON is the `default` body of the notification and the EventBridge
 * detail, like the transition event.
 */
import type { LifecycleDate, ModelLifecycle } from '../catalog/model-lifecycle.ts';

export const LIFECYCLE_EVENT_SCHEMA = 'bedrock-access-monitor/lifecycle/v1';

/**
 * - `legacy`: the model became LEGACY (`which` legacyTime, `date` its value or null).
 * - `date-set`: a date appeared after the first sighting.
 * - `date-moved`: a date changed after the first sighting (`previousDate` the old value).
 * - `warning`: a lead time before publicExtendedAccessTime or endOfLifeTime was crossed.
 */
export const LIFECYCLE_CHANGES = ['legacy', 'date-set', 'date-moved', 'warning'] as const;
export type LifecycleChange = (typeof LIFECYCLE_CHANGES)[number];

/** The dates whose appearance or move is announced (startOfLifeTime, the launch, is not). */
export const ANNOUNCED_DATES = ['legacyTime', 'publicExtendedAccessTime', 'endOfLifeTime'] as const;
/** The dates warned about ahead, by each lead time of `lifecycleWarnings`. */
export const WARNED_DATES = ['publicExtendedAccessTime', 'endOfLifeTime'] as const;
export type WarnedDate = (typeof WARNED_DATES)[number];

export interface LifecycleEvent {
  schema: typeof LIFECYCLE_EVENT_SCHEMA;
  eventId: string;
  kind: 'lifecycle';
  /** The 12-digit account id, as a string. */
  account: string;
  modelId: string;
  region: string;
  what: LifecycleChange;
  /** The date the event is about. */
  which: LifecycleDate;
  /** Its value, ISO-8601 UTC; null only for `legacy` without a legacyTime. */
  date: string | null;
  /** `date-moved`: the value before; otherwise null. */
  previousDate: string | null;
  /**
   * The lead time in days that this event announces: always for `warning`; for `date-set` and
   * `date-moved` when the new date is already that close (the event stands for the warning);
   * otherwise null.
   */
  leadDays: number | null;
  /** The whole lifecycle as Bedrock listed it in this run. */
  lifecycle: ModelLifecycle;
  /** The model to move to where Bedrock's catalog names one; ListFoundationModels names none. */
  successor: string | null;
  /** When the run observed it, ISO-8601 UTC. */
  observedAt: string;
}
