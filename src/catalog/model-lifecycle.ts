/**
 * A foundation model's lifecycle as ListFoundationModels reports it (`modelLifecycle`), in
 * the shape the monitor stores and announces: dates as ISO-8601 UTC strings, null when
 * Bedrock gives none.
 */

export const LIFECYCLE_STATUSES = ['ACTIVE', 'LEGACY'] as const;
export type LifecycleStatus = (typeof LIFECYCLE_STATUSES)[number];

/** The dates of a lifecycle, in the order they fall. */
export const LIFECYCLE_DATES = [
  'startOfLifeTime',
  'legacyTime',
  'publicExtendedAccessTime',
  'endOfLifeTime',
] as const;
export type LifecycleDate = (typeof LIFECYCLE_DATES)[number];

export interface ModelLifecycle {
  status: LifecycleStatus;
  /** Launch. */
  startOfLifeTime: string | null;
  /** From here on Bedrock refuses accounts that have not used the model recently. */
  legacyTime: string | null;
  /** From here on the model costs more (public extended access). */
  publicExtendedAccessTime: string | null;
  /** From here on the model cannot be used at all. */
  endOfLifeTime: string | null;
}
