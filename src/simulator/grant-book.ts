/**
 * Looks up what Bedrock says about a model in a region at a moment: the scripted timeline if
 * one is in force, otherwise the scenario default for catalog models offered there, otherwise
 * 404 (a model the simulator does not know, or one outside its catalog `regions`).
 */
import type { CatalogModel } from './catalog.ts';
import { type GrantAnswer, isOffered } from './grant-answers.ts';
import type { Scenario } from './scenario.ts';
import { answerInForce, type SimTime, type TimelineEntry } from './timeline.ts';

const NOT_FOUND: GrantAnswer = { kind: 'notFound', message: undefined };

export class GrantBook {
  private readonly models: Map<string, CatalogModel>;
  private readonly timelines: Map<string, TimelineEntry[]>;

  constructor(private readonly scenario: Scenario) {
    this.models = new Map(scenario.catalog.map((model) => [model.id, model]));
    this.timelines = new Map(
      scenario.grants.map((grant) => [timelineKey(grant.region, grant.modelId), grant.timeline]),
    );
  }

  model(modelId: string): CatalogModel | undefined {
    return this.models.get(modelId);
  }

  answer(region: string, modelId: string, time: SimTime): GrantAnswer {
    const timeline = this.timelines.get(timelineKey(region, modelId));
    const scripted = timeline && answerInForce(timeline, time);
    if (scripted) return scripted;
    const model = this.models.get(modelId);
    if (!model) return NOT_FOUND;
    if (model.regions && !model.regions.includes(region)) return NOT_FOUND;
    return this.scenario.defaultAnswer;
  }

  /** Catalog models offered in the region now, in catalog order. */
  offeredModels(region: string, time: SimTime): CatalogModel[] {
    return this.scenario.catalog.filter((model) => isOffered(this.answer(region, model.id, time)));
  }
}

function timelineKey(region: string, modelId: string): string {
  return `${region} ${modelId}`;
}
