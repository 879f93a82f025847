/**
 * What ListFoundationModels and GetFoundationModel show in a region at a moment: the catalog
 * models the grant book offers there, minus those a catalog timeline delists and those whose
 * endOfLifeTime has passed on the simulator's clock, each with the lifecycle in force (a
 * region's own catalog timeline, else the one for every region, else the catalog entry).
 */
import type { CatalogModel, LifecycleDates, ModelLifecycleAt } from './catalog.ts';
import { isOffered } from './grant-answers.ts';
import type { AccountGrants } from './grant-book.ts';
import type { Scenario } from './scenario.ts';
import type { SimDate } from './scenario-schema.ts';
import { answerInForce, type SimTime, type TimelineEntry } from './timeline.ts';
import type { LifecycleStatus } from './wire-vocabulary.ts';

/** One catalog timeline entry: delisted, or listed with this lifecycle. */
export type CatalogEntry =
  | { listed: false }
  | { listed: true; status: LifecycleStatus; dates: LifecycleDates };

export interface CatalogScript {
  modelId: string;
  /** Undefined: every region without a script of its own. */
  region: string | undefined;
  timeline: TimelineEntry<CatalogEntry>[];
}

export interface ListedModel {
  model: CatalogModel;
  lifecycle: ModelLifecycleAt;
}

/** When a lifecycle date falls, on the simulator's clock. */
export function resolveSimDate(date: SimDate, startedAtMs: number): number {
  return 'atMs' in date ? date.atMs : startedAtMs + date.offsetMs;
}

export class CatalogBook {
  private readonly scripts = new Map<string, TimelineEntry<CatalogEntry>[]>();

  constructor(
    private readonly scenario: Scenario,
    private readonly grants: AccountGrants,
    /** The simulator's start, which relative dates (`+30d`) count from. */
    private readonly startedAtMs: number,
  ) {
    for (const script of scenario.catalogScripts) {
      this.scripts.set(scriptKey(script.region, script.modelId), script.timeline);
    }
  }

  /** Catalog models listed in the region now, in catalog order. */
  listed(region: string, time: SimTime, nowMs: number): ListedModel[] {
    return this.scenario.catalog.flatMap((model) => {
      const listed = this.find(region, model.id, time, nowMs);
      return listed ? [listed] : [];
    });
  }

  /** The model as GetFoundationModel shows it in the region now; undefined answers 404. */
  find(region: string, modelId: string, time: SimTime, nowMs: number): ListedModel | undefined {
    const model = this.grants.model(modelId);
    if (!model || !isOffered(this.grants.answer(region, modelId, time))) return undefined;
    const entry = this.entryInForce(region, modelId, time);
    if (entry?.listed === false) return undefined;
    const lifecycle = this.resolve(
      entry?.status ?? model.lifecycle,
      entry?.dates ?? model.lifecycleDates,
    );
    // Past its end of life a model leaves the catalog.
    if (lifecycle.endOfLifeTime !== undefined && lifecycle.endOfLifeTime <= nowMs) return undefined;
    return { model, lifecycle };
  }

  private entryInForce(region: string, modelId: string, time: SimTime): CatalogEntry | undefined {
    const own = this.scripts.get(scriptKey(region, modelId));
    const everywhere = this.scripts.get(scriptKey(undefined, modelId));
    return (own && answerInForce(own, time)) ?? (everywhere && answerInForce(everywhere, time));
  }

  private resolve(status: LifecycleStatus, dates: LifecycleDates): ModelLifecycleAt {
    const lifecycle: ModelLifecycleAt = { status };
    for (const [field, date] of Object.entries(dates) as [keyof LifecycleDates, SimDate][]) {
      if (date !== undefined) lifecycle[field] = resolveSimDate(date, this.startedAtMs);
    }
    return lifecycle;
  }
}

function scriptKey(region: string | undefined, modelId: string): string {
  return `${region ?? '*'} ${modelId}`;
}
