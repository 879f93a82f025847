import type { ModelLifecycle } from '../catalog/model-lifecycle.ts';
import type { UnknownModel } from '../catalog/unknown-models.ts';
import type { AnnouncedEvent } from '../events/announced-event.ts';
import type { FailureKind, GrantState, TransitionEvent } from '../grants/types.ts';
import type { SkippedItem } from '../state/state-store.ts';

export type PairStatus = GrantState | 'UNKNOWN';

/** One row of the run's table: what this run saw, and what is stored. */
export interface PairView {
  region: string;
  modelId: string;
  /** This run's state; UNKNOWN when the check failed. */
  state: PairStatus;
  /** The stored state after this run (null: never observed). */
  storedState: GrantState | null;
  /** Since when the stored state holds. */
  since: string | null;
  /** Non-ENABLED answers counted towards a revocation not yet confirmed. */
  pendingRevocation: number;
  /** The model's lifecycle in the region as last listed; null: never listed. */
  lifecycle: ModelLifecycle | null;
}

/** A region whose ListFoundationModels failed: lifecycle is UNKNOWN there for this run. */
export interface CatalogFailureView {
  region: string;
  kind: FailureKind;
  errorName: string | null;
  message: string;
}

export interface FailureView {
  region: string;
  modelId: string;
  kind: FailureKind;
  errorName: string | null;
  message: string;
}

/** What one run did; the handler returns it and the CLI prints it. */
export interface RunSummary {
  account: string;
  startedAt: string;
  durationMs: number;
  checks: number;
  states: Record<PairStatus, number>;
  transitions: TransitionEvent[];
  /** The other events this run claimed: lifecycle, stuck, config (runCheck always sets it). */
  announcements?: AnnouncedEvent[];
  /** Watched ids no watched region lists (every region answered): reported by every run. */
  unknownModels?: UnknownModel[];
  /** Regions whose listing failed this run. */
  catalogFailures?: CatalogFailureView[];
  notifications: { published: number; failed: number };
  failures: FailureView[];
  /** Writes lost to an overlapping run, which then owns those transitions. */
  conflicts: number;
  /** Events left in the outbox for the next run: their verification could not start in time. */
  deferred: number;
  /** Stored items that could not be read and were left as they are. */
  skippedItems: SkippedItem[];
  pairs: PairView[];
}
