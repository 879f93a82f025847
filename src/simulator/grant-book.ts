/**
 * Looks up what Bedrock says about a model in a region at a moment: an agreement created
 * through CreateFoundationModelAgreement if there is one, else the scripted timeline if one is
 * in force, otherwise the scenario default for catalog models offered there, otherwise 404 (a
 * model the simulator does not know, or one outside its catalog `regions`). It also keeps the
 * scripted Converse results per (region, model). Everything is kept per account: a grant
 * scripted with an `account` applies to that account only and comes before one scripted for
 * every account; each account has agreements of its own.
 */
import type { CatalogModel } from './catalog.ts';
import { DEFAULT_AGREEMENT_ERROR, type GrantAnswer } from './grant-answers.ts';
import type { InvokeResult } from './invoke-outcomes.ts';
import type { Scenario } from './scenario.ts';
import {
  type AgreementPlan,
  answerInForce,
  hasElapsed,
  type SimTime,
  type TimelineEntry,
} from './timeline.ts';

const NOT_FOUND: GrantAnswer = { kind: 'notFound', message: undefined };

interface Agreement {
  createdAt: SimTime;
  plan: AgreementPlan;
}

/** What one account's calls see: the book, read for that account. */
export interface AccountGrants {
  model(modelId: string): CatalogModel | undefined;
  answer(region: string, modelId: string, time: SimTime): GrantAnswer;
  scriptedInvoke(region: string, invokedId: string, time: SimTime): InvokeResult | undefined;
  createAgreement(region: string, modelId: string, time: SimTime): void;
}

const EVERY_ACCOUNT = '*';

export class GrantBook {
  private readonly models: Map<string, CatalogModel>;
  private readonly timelines: Map<string, TimelineEntry[]>;
  private readonly invokeTimelines: Map<string, TimelineEntry<InvokeResult>[]>;
  private readonly agreementPlans: Map<string, AgreementPlan>;
  private readonly agreements = new Map<string, Agreement>();

  constructor(private readonly scenario: Scenario) {
    this.models = new Map(scenario.catalog.map((model) => [model.id, model]));
    const byPair = <T>(pick: (grant: Scenario['grants'][number]) => T | undefined) =>
      new Map(
        scenario.grants.flatMap((grant) => {
          const value = pick(grant);
          return value === undefined
            ? []
            : [
                [
                  pairKey(grant.account ?? EVERY_ACCOUNT, grant.region, grant.modelId),
                  value,
                ] as const,
              ];
        }),
      );
    this.timelines = byPair((grant) => (grant.timeline.length > 0 ? grant.timeline : undefined));
    this.invokeTimelines = byPair((grant) => (grant.invoke.length > 0 ? grant.invoke : undefined));
    this.agreementPlans = byPair((grant) => grant.agreement);
  }

  /** The book as `account`'s calls see it. */
  forAccount(account: string): AccountGrants {
    return {
      model: (modelId) => this.models.get(modelId),
      answer: (region, modelId, time) => this.answer(account, region, modelId, time),
      scriptedInvoke: (region, invokedId, time) =>
        this.scriptedInvoke(account, region, invokedId, time),
      createAgreement: (region, modelId, time) =>
        this.createAgreement(account, region, modelId, time),
    };
  }

  private answer(account: string, region: string, modelId: string, time: SimTime): GrantAnswer {
    const scripted = this.scriptedAnswer(account, region, modelId, time);
    const agreement = this.agreements.get(pairKey(account, region, modelId));
    if (!agreement || scripted.kind === 'notFound') return scripted;
    // The agreement owns the agreement and entitlement fields from its creation on; whether
    // the caller is authorized and the region offers the model stay as scripted.
    const settled = hasElapsed(agreement.plan.delay, agreement.createdAt, time);
    const failed = settled && agreement.plan.outcome === 'FAILED';
    return {
      kind: 'available',
      fields: {
        ...scripted.fields,
        agreement: settled ? (failed ? 'ERROR' : 'AVAILABLE') : 'PENDING',
        agreementError: failed ? (agreement.plan.message ?? DEFAULT_AGREEMENT_ERROR) : undefined,
        entitlement: 'AVAILABLE',
      },
    };
  }

  /** The scripted Converse result in force for the id exactly as the caller named it. */
  private scriptedInvoke(
    account: string,
    region: string,
    invokedId: string,
    time: SimTime,
  ): InvokeResult | undefined {
    const timeline = lookUp(this.invokeTimelines, account, region, invokedId);
    return timeline && answerInForce(timeline, time);
  }

  /** Starts an agreement: PENDING now, its plan's outcome once the plan's delay has passed. */
  private createAgreement(account: string, region: string, modelId: string, time: SimTime): void {
    const plan = lookUp(this.agreementPlans, account, region, modelId) ?? this.scenario.agreement;
    this.agreements.set(pairKey(account, region, modelId), { createdAt: time, plan });
  }

  private scriptedAnswer(
    account: string,
    region: string,
    modelId: string,
    time: SimTime,
  ): GrantAnswer {
    const timeline = lookUp(this.timelines, account, region, modelId);
    const scripted = timeline && answerInForce(timeline, time);
    if (scripted) return scripted;
    const model = this.models.get(modelId);
    if (!model) return NOT_FOUND;
    if (model.regions && !model.regions.includes(region)) return NOT_FOUND;
    return this.scenario.defaultAnswer;
  }
}

function pairKey(account: string, region: string, modelId: string): string {
  return `${account} ${region} ${modelId}`;
}

/** The account's own script for the pair, else the one for every account. */
function lookUp<T>(
  scripts: ReadonlyMap<string, T>,
  account: string,
  region: string,
  modelId: string,
): T | undefined {
  return (
    scripts.get(pairKey(account, region, modelId)) ??
    scripts.get(pairKey(EVERY_ACCOUNT, region, modelId))
  );
}
