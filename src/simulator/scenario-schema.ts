/**
 * The zod schema of a scenario file, as the user writes it. `scenario.ts` turns the parsed
 * value into the resolved `Scenario` the simulator runs. Objects are strict so that a typo
 * (`afterSecond:`) is an error, not a silently ignored key.
 */
import * as z from 'zod';
import { GRANT_STATES } from '../grants/types.ts';
import { CONVERSE_ERROR_NAMES, INVOKE_PRESETS, isInvokePreset } from './invoke-outcomes.ts';
import {
  ACCOUNT_ID_PATTERN,
  ACCOUNT_STATES,
  AGREEMENT_STATUSES,
  AUTHORIZATION_STATUSES,
  AVAILABILITY_VALUES,
  BEDROCK_MODEL_ID_MAX_LENGTH,
  BEDROCK_MODEL_ID_PATTERN,
  FAULT_OPERATIONS,
  INFERENCE_TYPES,
  LIFECYCLE_STATUSES,
  MODEL_CUSTOMIZATIONS,
  MODEL_MODALITIES,
  OU_ID_PATTERN,
  ROOT_ID_PATTERN,
} from './wire-vocabulary.ts';

export const MALFORMED_KINDS = [
  'not-json',
  'missing-fields',
  'unknown-enum',
  'bad-timestamp',
] as const;
export type MalformedKind = (typeof MALFORMED_KINDS)[number];
/** Only these answers carry timestamps (modelLifecycle), so only they can have a bad one. */
const TIMESTAMP_OPERATIONS = ['ListFoundationModels', 'GetFoundationModel'] as const;

const regionSchema = z
  .string()
  .regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/, 'expected an AWS region such as us-east-1');

const modelIdSchema = z
  .string()
  .max(BEDROCK_MODEL_ID_MAX_LENGTH)
  .regex(
    new RegExp(BEDROCK_MODEL_ID_PATTERN),
    'expected a Bedrock model id such as anthropic.claude-3-sonnet-20240229-v1:0',
  );

const accountIdSchema = z
  .string({ error: 'must be a quoted 12-digit string, e.g. "111111111111"' })
  .regex(ACCOUNT_ID_PATTERN, 'must be 12 digits');

const tickSchema = z.int().min(0);
const secondsSchema = z.number().min(0);
/** Share of the matching requests that fail, spread evenly (see faults.ts); 1 = all. */
const shareSchema = z.number().gt(0).max(1).default(1);

/** Explicit GetFoundationModelAvailability fields; omitted ones take the ENABLED value. */
const rawAnswerSchema = z.strictObject({
  agreement: z.enum(AGREEMENT_STATUSES).default('AVAILABLE'),
  agreementError: z.string().min(1).optional(),
  authorization: z.enum(AUTHORIZATION_STATUSES).default('AUTHORIZED'),
  entitlement: z.enum(AVAILABILITY_VALUES).default('AVAILABLE'),
  region: z.enum(AVAILABILITY_VALUES).default('AVAILABLE'),
});

/** What Bedrock answers for one (region, model): one of state, raw or notFound. */
const answerFields = {
  state: z.enum(GRANT_STATES).optional(),
  raw: rawAnswerSchema.optional(),
  notFound: z.literal(true).optional(),
  /** FAILED: the agreement's errorMessage; notFound: the 404 message. */
  message: z.string().min(1).optional(),
};

type AnswerInput = {
  state?: unknown;
  raw?: unknown;
  notFound?: unknown;
  message?: unknown;
};

function checkOneAnswer(value: AnswerInput, ctx: z.RefinementCtx): void {
  const given = (['state', 'raw', 'notFound'] as const).filter((key) => value[key] !== undefined);
  if (given.length !== 1) {
    ctx.addIssue({
      code: 'custom',
      message: `give exactly one of state, raw or notFound (found ${given.length === 0 ? 'none' : given.join(' and ')})`,
    });
  }
  if (value.message !== undefined && value.raw !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['message'],
      message: 'message goes with state FAILED or notFound; with raw, use raw.agreementError',
    });
  }
}

const answerSchema = z.strictObject(answerFields).superRefine(checkOneAnswer);

/** `default: ENABLED` is shorthand for `default: { state: ENABLED }`. */
const defaultAnswerSchema = z.preprocess(
  (value) => (typeof value === 'string' ? { state: value } : value),
  answerSchema,
);

const timelineEntrySchema = z
  .strictObject({
    at: tickSchema.optional(),
    afterSeconds: secondsSchema.optional(),
    ...answerFields,
  })
  .superRefine((entry, ctx) => {
    if ((entry.at === undefined) === (entry.afterSeconds === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'give exactly one of at (ticks) or afterSeconds' });
    }
    checkOneAnswer(entry, ctx);
  });

/** What Converse answers from a moment on: `result: ok`, or an error name or preset. */
const invokeEntrySchema = z
  .strictObject({
    at: tickSchema.optional(),
    afterSeconds: secondsSchema.optional(),
    /** ok: a valid answer; grant: what the grant implies (the default before any entry). */
    result: z.enum(['ok', 'grant']).optional(),
    error: z.enum([...CONVERSE_ERROR_NAMES, ...INVOKE_PRESETS]).optional(),
    message: z.string().min(1).optional(),
  })
  .superRefine((entry, ctx) => {
    if ((entry.at === undefined) === (entry.afterSeconds === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'give exactly one of at (ticks) or afterSeconds' });
    }
    if ((entry.result === undefined) === (entry.error === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'give exactly one of result or error' });
    }
    if (entry.message !== undefined) {
      if (entry.error === undefined) {
        ctx.addIssue({ code: 'custom', path: ['message'], message: 'message goes with error' });
      } else if (isInvokePreset(entry.error)) {
        ctx.addIssue({
          code: 'custom',
          path: ['message'],
          message: `${entry.error} is a preset with its own message; give an error name (e.g. AccessDeniedException) to write your own`,
        });
      }
    }
  });

/** How a CreateFoundationModelAgreement for this pair plays out. */
const agreementSchema = z
  .strictObject({
    /** Seconds on the simulator's clock from CreateFoundationModelAgreement to the outcome. */
    delaySeconds: secondsSchema.optional(),
    /** Ticks instead of seconds. */
    delayTicks: tickSchema.optional(),
    /** ENABLED (agreement AVAILABLE) or FAILED (agreement ERROR with `message`). */
    outcome: z.enum(['ENABLED', 'FAILED']).default('ENABLED'),
    message: z.string().min(1).optional(),
  })
  .superRefine((agreement, ctx) => {
    if (agreement.delaySeconds !== undefined && agreement.delayTicks !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'give either delaySeconds or delayTicks, not both' });
    }
    if (agreement.message !== undefined && agreement.outcome !== 'FAILED') {
      ctx.addIssue({
        code: 'custom',
        path: ['message'],
        message: 'message is the errorMessage of outcome FAILED',
      });
    }
  });

const grantSchema = z
  .strictObject({
    /** The member account this grant is scripted for; none: every account. */
    account: accountIdSchema.optional(),
    region: regionSchema,
    model: modelIdSchema,
    /** What GetFoundationModelAvailability answers over time. */
    timeline: z.array(timelineEntrySchema).min(1).optional(),
    /** What Converse answers over time; before the first entry, what the grant implies. */
    invoke: z.array(invokeEntrySchema).min(1).optional(),
    agreement: agreementSchema.optional(),
  })
  .superRefine((grant, ctx) => {
    if (grant.timeline === undefined && grant.invoke === undefined && !grant.agreement) {
      ctx.addIssue({ code: 'custom', message: 'give at least one of timeline, invoke, agreement' });
    }
  });

const RELATIVE_DATE = /^([+-])(\d+)([dhms])$/;
const ABSOLUTE_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/;
const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 } as const;

/**
 * A lifecycle date: an ISO-8601 moment (`2026-03-01`, `2026-03-01T12:00:00Z`), or a distance
 * from the moment the simulator started (`+30d`, `-2h`, `+90m`, `+10s`), so a scenario keeps
 * its meaning whenever it is played.
 */
const simDateSchema = z.string().transform((text, ctx): SimDate => {
  const relative = RELATIVE_DATE.exec(text);
  if (relative) {
    const [, sign, amount, unit] = relative;
    const unitMs = UNIT_MS[unit as keyof typeof UNIT_MS];
    return { offsetMs: (sign === '-' ? -1 : 1) * Number(amount) * unitMs };
  }
  const atMs = Date.parse(text);
  if (!ABSOLUTE_DATE.test(text) || Number.isNaN(atMs)) {
    ctx.addIssue({
      code: 'custom',
      message: `"${text}" is no date; write an ISO-8601 date such as 2026-03-01T00:00:00Z, or a distance from the start such as +30d, -2h`,
    });
    return z.NEVER;
  }
  return { atMs };
});

/** Moments of `FoundationModelLifecycle` besides its status. */
export const LIFECYCLE_DATE_FIELDS = [
  'startOfLifeTime',
  'legacyTime',
  'publicExtendedAccessTime',
  'endOfLifeTime',
] as const;

const lifecycleFields = {
  status: z.enum(LIFECYCLE_STATUSES),
  startOfLifeTime: simDateSchema.optional(),
  legacyTime: simDateSchema.optional(),
  publicExtendedAccessTime: simDateSchema.optional(),
  endOfLifeTime: simDateSchema.optional(),
};

/** `lifecycle: LEGACY` is shorthand for `lifecycle: { status: LEGACY }`. */
const lifecycleSchema = z.preprocess(
  (value) => (typeof value === 'string' ? { status: value } : value),
  z.strictObject(lifecycleFields),
);

/** What ListFoundationModels / GetFoundationModel show of a model from a moment on. */
const catalogEntrySchema = z
  .strictObject({
    at: tickSchema.optional(),
    afterSeconds: secondsSchema.optional(),
    /** false: not listed, and GetFoundationModel answers 404 (availability is left alone). */
    listed: z.boolean().default(true),
    ...lifecycleFields,
    status: lifecycleFields.status.optional(),
  })
  .superRefine((entry, ctx) => {
    if ((entry.at === undefined) === (entry.afterSeconds === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'give exactly one of at (ticks) or afterSeconds' });
    }
    const dates = LIFECYCLE_DATE_FIELDS.filter((field) => entry[field] !== undefined);
    if (!entry.listed && (entry.status !== undefined || dates.length > 0)) {
      ctx.addIssue({
        code: 'custom',
        message: `a model that is not listed has no lifecycle; remove ${[...(entry.status === undefined ? [] : ['status']), ...dates].join(', ')}`,
      });
    }
    if (entry.listed && entry.status === undefined) {
      ctx.addIssue({
        code: 'custom',
        message:
          'give the lifecycle in force from here on: status (ACTIVE or LEGACY) and its dates, or listed: false',
      });
    }
  });

/** How a model's catalog entry changes over time, in one region or (no region) in all. */
const catalogScriptSchema = z.strictObject({
  model: modelIdSchema,
  region: regionSchema.optional(),
  timeline: z.array(catalogEntrySchema).min(1),
});

const catalogModelSchema = z.strictObject({
  id: modelIdSchema,
  name: z.string().min(1).optional(),
  provider: z.string().min(1).optional(),
  lifecycle: lifecycleSchema.default({ status: 'ACTIVE' }),
  inputModalities: z.array(z.enum(MODEL_MODALITIES)).min(1).optional(),
  outputModalities: z.array(z.enum(MODEL_MODALITIES)).min(1).optional(),
  responseStreamingSupported: z.boolean().optional(),
  customizationsSupported: z.array(z.enum(MODEL_CUSTOMIZATIONS)).optional(),
  inferenceTypesSupported: z.array(z.enum(INFERENCE_TYPES)).min(1).optional(),
  /** Regions that offer the model; elsewhere it is unknown (404) unless a grant scripts it. */
  regions: z.array(regionSchema).min(1).optional(),
});

const throttleSchema = z
  .strictObject({
    share: z.number().gt(0).max(1).optional(),
    ratePerSecond: z.number().positive().optional(),
    burst: z.int().min(1).optional(),
  })
  .superRefine((throttle, ctx) => {
    if (throttle.share !== undefined && throttle.ratePerSecond !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'give either share or ratePerSecond, not both' });
    }
    if (throttle.burst !== undefined && throttle.ratePerSecond === undefined) {
      ctx.addIssue({ code: 'custom', path: ['burst'], message: 'burst needs ratePerSecond' });
    }
  });

const faultSchema = z
  .strictObject({
    /** Only requests made with this account's credentials; none: every account. */
    account: accountIdSchema.optional(),
    region: regionSchema.optional(),
    models: z.array(modelIdSchema).min(1).optional(),
    /** None: the Bedrock operations only; name AssumeRole or ListAccounts, ... to reach those. */
    operations: z.array(z.enum(FAULT_OPERATIONS)).min(1).optional(),
    from: tickSchema.optional(),
    until: tickSchema.optional(),
    fromSeconds: secondsSchema.optional(),
    untilSeconds: secondsSchema.optional(),
    latencyMs: z.int().min(0).optional(),
    throttle: throttleSchema.optional(),
    serverError: z
      .strictObject({ share: shareSchema, status: z.literal([500, 503]).default(500) })
      .optional(),
    malformed: z.strictObject({ share: shareSchema, kind: z.enum(MALFORMED_KINDS) }).optional(),
    accessDenied: z
      .strictObject({ share: shareSchema, message: z.string().min(1).optional() })
      .optional(),
  })
  .superRefine((fault, ctx) => {
    const effects = ['latencyMs', 'throttle', 'serverError', 'malformed', 'accessDenied'] as const;
    if (!effects.some((key) => fault[key] !== undefined)) {
      ctx.addIssue({ code: 'custom', message: `give at least one of ${effects.join(', ')}` });
    }
    if (fault.from !== undefined && fault.until !== undefined && fault.until <= fault.from) {
      ctx.addIssue({ code: 'custom', path: ['until'], message: 'until must be greater than from' });
    }
    const onlyTimestamped = fault.operations?.every((operation) =>
      (TIMESTAMP_OPERATIONS as readonly string[]).includes(operation),
    );
    if (fault.malformed?.kind === 'bad-timestamp' && !onlyTimestamped) {
      ctx.addIssue({
        code: 'custom',
        path: ['malformed', 'kind'],
        message: `bad-timestamp needs operations limited to ${TIMESTAMP_OPERATIONS.join(' and ')}, the answers with timestamps`,
      });
    }
    const { fromSeconds, untilSeconds } = fault;
    if (fromSeconds !== undefined && untilSeconds !== undefined && untilSeconds <= fromSeconds) {
      ctx.addIssue({
        code: 'custom',
        path: ['untilSeconds'],
        message: 'untilSeconds must be greater than fromSeconds',
      });
    }
  });

const parentIdSchema = z
  .string()
  .refine(
    (id) => ROOT_ID_PATTERN.test(id) || OU_ID_PATTERN.test(id),
    'expected a root id (r-abcd) or an OU id (ou-abcd-11111111)',
  );

const memberAccountSchema = z.strictObject({
  id: accountIdSchema,
  name: z.string().min(1).max(128).optional(),
  /** The root or OU the account sits in; default: the first root. */
  parent: parentIdSchema.optional(),
  state: z.enum(ACCOUNT_STATES).default('ACTIVE'),
  /** denied: AssumeRole into this account's role is refused (AccessDenied), as a missing role or trust. */
  assumeRole: z.enum(['allowed', 'denied']).default('allowed'),
});

/** The AWS Organization the scenario's account manages (ListAccounts, ...), and its members. */
const organizationSchema = z
  .strictObject({
    id: z
      .string()
      .regex(/^o-[a-z0-9]{10,32}$/)
      .default('o-exampleorgid'),
    roots: z
      .array(z.string().regex(ROOT_ID_PATTERN, 'expected a root id such as r-abcd'))
      .min(1)
      .default(['r-sim0']),
    units: z
      .array(
        z.strictObject({
          id: z.string().regex(OU_ID_PATTERN, 'expected an OU id such as ou-abcd-11111111'),
          name: z.string().min(1).optional(),
          parent: parentIdSchema,
        }),
      )
      .default([]),
    accounts: z.array(memberAccountSchema).default([]),
    /** Items per page of the List operations, at most MaxResults (20); the caller's MaxResults wins when smaller. */
    pageSize: z.int().min(1).max(20).default(20),
  })
  .superRefine((organization, ctx) => {
    const parents = new Set([...organization.roots, ...organization.units.map((unit) => unit.id)]);
    organization.units.forEach((unit, i) => {
      if (!parents.has(unit.parent)) {
        ctx.addIssue({
          code: 'custom',
          path: ['units', i, 'parent'],
          message: `${unit.parent} is neither a root nor a unit of this organization`,
        });
      }
    });
    const seen = new Set<string>();
    organization.accounts.forEach((account, i) => {
      if (seen.has(account.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['accounts', i, 'id'],
          message: `${account.id} is listed twice`,
        });
      }
      seen.add(account.id);
      if (account.parent !== undefined && !parents.has(account.parent)) {
        ctx.addIssue({
          code: 'custom',
          path: ['accounts', i, 'parent'],
          message: `${account.parent} is neither a root nor a unit of this organization`,
        });
      }
    });
  });

export const scenarioFileSchema = z
  .strictObject({
    account: z
      .string({
        error: (issue) =>
          issue.input === undefined
            ? 'required: the 12-digit account id that GetCallerIdentity reports'
            : 'must be a quoted 12-digit string, e.g. "123456789012"',
      })
      .regex(/^\d{12}$/, 'must be 12 digits'),
    /** The caller GetCallerIdentity reports and AccessDenied messages name. */
    callerArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:(sts|iam)::\d{12}:\S+$/, 'expected an IAM or STS ARN')
      .optional(),
    catalog: z.array(catalogModelSchema).default([]),
    /** Changes of the catalog over time: lifecycle status and dates, and whether a model is listed. */
    catalogTimeline: z.array(catalogScriptSchema).default([]),
    default: defaultAnswerSchema.default({ state: 'ENABLED' }),
    grants: z.array(grantSchema).default([]),
    faults: z.array(faultSchema).default([]),
    /** Whether the account has the Anthropic use-case form on file (GetUseCaseForModelAccess). */
    useCaseFormSubmitted: z.boolean().default(true),
    /** expired or invalid: every signed request (STS and Bedrock) is refused, as AWS refuses them. */
    callerCredentials: z.enum(['valid', 'expired', 'invalid']).default('valid'),
    /** The organization this account manages: Organizations' List operations and AssumeRole. */
    organization: organizationSchema.optional(),
    /** From CreateFoundationModelAgreement to ENABLED, for pairs whose grant sets no `agreement`. */
    agreementDelaySeconds: secondsSchema.optional(),
    agreementDelayTicks: tickSchema.optional(),
  })
  .superRefine((scenario, ctx) => {
    if (
      scenario.agreementDelaySeconds !== undefined &&
      scenario.agreementDelayTicks !== undefined
    ) {
      ctx.addIssue({
        code: 'custom',
        message: 'give either agreementDelaySeconds or agreementDelayTicks, not both',
      });
    }
    checkCrossReferences(scenario, ctx);
  });

type TimedEntry = { at?: number; afterSeconds?: number };
type ScenarioShape = {
  catalog: { id: string }[];
  catalogTimeline: { model: string; region?: string; timeline: TimedEntry[] }[];
  grants: {
    account?: string;
    region: string;
    model: string;
    timeline?: TimedEntry[];
    invoke?: TimedEntry[];
  }[];
  faults: { models?: string[] }[];
};

/** Checks across entries: duplicates, timeline order, faults naming models nobody defined. */
function checkCrossReferences(scenario: ScenarioShape, ctx: z.RefinementCtx): void {
  const catalogIds = new Set<string>();
  scenario.catalog.forEach((model, i) => {
    if (catalogIds.has(model.id)) {
      ctx.addIssue({
        code: 'custom',
        path: ['catalog', i, 'id'],
        message: `${model.id} is listed twice`,
      });
    }
    catalogIds.add(model.id);
  });

  const scripted = new Set<string>();
  scenario.grants.forEach((grant, i) => {
    const key = `${grant.account ?? '*'} ${grant.region} ${grant.model}`;
    if (scripted.has(key)) {
      const whose = grant.account === undefined ? '' : ` for ${grant.account}`;
      ctx.addIssue({
        code: 'custom',
        path: ['grants', i],
        message: `${grant.model} in ${grant.region}${whose} already has a timeline; merge the two`,
      });
    }
    scripted.add(key);
    if (grant.timeline) checkTimelineOrder(grant.timeline, ['grants', i, 'timeline'], ctx);
    if (grant.invoke) checkTimelineOrder(grant.invoke, ['grants', i, 'invoke'], ctx);
  });

  const known = new Set([...catalogIds, ...scenario.grants.map((grant) => grant.model)]);
  const catalogScripted = new Set<string>();
  scenario.catalogTimeline.forEach((script, i) => {
    const where = script.region ?? 'every region';
    const key = `${script.region ?? '*'} ${script.model}`;
    if (catalogScripted.has(key)) {
      ctx.addIssue({
        code: 'custom',
        path: ['catalogTimeline', i],
        message: `${script.model} in ${where} already has a catalog timeline; merge the two`,
      });
    }
    catalogScripted.add(key);
    if (!known.has(script.model)) {
      ctx.addIssue({
        code: 'custom',
        path: ['catalogTimeline', i, 'model'],
        message: `${script.model} is neither in the catalog nor in grants`,
      });
    }
    checkTimelineOrder(script.timeline, ['catalogTimeline', i, 'timeline'], ctx);
  });
  scenario.faults.forEach((fault, i) => {
    fault.models?.forEach((model, j) => {
      if (!known.has(model)) {
        ctx.addIssue({
          code: 'custom',
          path: ['faults', i, 'models', j],
          message: `${model} is neither in the catalog nor in grants`,
        });
      }
    });
  });
}

/** The last reached entry wins, so an out-of-order `at` would never be in force: refuse it. */
function checkTimelineOrder(
  timeline: TimedEntry[],
  path: (string | number)[],
  ctx: z.RefinementCtx,
): void {
  for (const key of ['at', 'afterSeconds'] as const) {
    let previous = -1;
    timeline.forEach((entry, i) => {
      const value = entry[key];
      if (value === undefined) return;
      if (value <= previous) {
        ctx.addIssue({
          code: 'custom',
          path: [...path, i, key],
          message: `${key} values must increase down the timeline (${value} after ${previous})`,
        });
      }
      previous = value;
    });
  }
}

export type ScenarioFile = z.output<typeof scenarioFileSchema>;
export type AnswerSpec = z.output<typeof answerSchema>;
export type RawAnswerSpec = z.output<typeof rawAnswerSchema>;
export type TimelineEntrySpec = z.output<typeof timelineEntrySchema>;
export type InvokeEntrySpec = z.output<typeof invokeEntrySchema>;
export type AgreementSpec = z.output<typeof agreementSchema>;
export type CatalogModelSpec = z.output<typeof catalogModelSchema>;
export type LifecycleSpec = z.output<typeof lifecycleSchema>;
export type CatalogScriptSpec = z.output<typeof catalogScriptSchema>;
export type CatalogEntrySpec = z.output<typeof catalogEntrySchema>;

/** A lifecycle date as scripted: a fixed moment, or a distance from the simulator's start. */
export type SimDate = { atMs: number } | { offsetMs: number };
export type FaultSpec = z.output<typeof faultSchema>;
export type OrganizationSpec = z.output<typeof organizationSchema>;
