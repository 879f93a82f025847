/**
 * The watched-models config: which models to check in which regions, and what to notify.
 * Every message here is written for the person editing the YAML file; load-config.ts adds the
 * file, line and column. The same schema generates config/watched-models.schema.json.
 */

import * as z from 'zod';
import { EVENT_KINDS, type EventKind } from '../events/event-kinds.ts';
import { closestMatch } from '../text/did-you-mean.ts';
import { AccountsSchema } from './accounts-schema.ts';
import { BEDROCK_REGIONS } from './bedrock-regions.ts';
import { DURATION_PATTERN, parseDurationMs } from './duration.ts';
import {
  INFERENCE_PROFILE_GEOGRAPHIES,
  INFERENCE_PROFILE_PREFIXES,
  type InferenceProfilePrefix,
  profilePrefixFor,
  profileServesRegion,
} from './inference-profile-geographies.ts';
import { invisibleCharacterProblem } from './invisible-characters.ts';
import { describeValue, refineUnique } from './schema-helpers.ts';

export const DEFAULT_NOTIFY: readonly EventKind[] = [
  'ready',
  'revoked',
  'failed',
  'blocked',
  'lifecycle',
  'stuck',
  'config',
  'account-unreachable',
  'account-reachable',
];
export const DEFAULT_CONFIRM_REVOCATION = 2;
/** Days before publicExtendedAccessTime and endOfLifeTime at which a warning goes out. */
export const DEFAULT_LIFECYCLE_WARNINGS: readonly number[] = [30, 7, 1];
export const DEFAULT_STUCK_AFTER = '30m';
const MAX_LEAD_DAYS = 365;
const MIN_VERIFY_EVERY_MS = 3_600_000;

/**
 * Keys people put in this file that belong elsewhere, with where they go: the unknown-key
 * message says so instead of offering a "did you mean".
 */
export const MISPLACED_KEYS: Readonly<Record<string, string>> = {
  eventBusName:
    '"eventBusName" is a setting of the stack, not a key of this file: set eventBusName: default (or the name of your bus) in stages/<stage>.yml to send every announced event to EventBridge as well.',
};

export { INFERENCE_PROFILE_PREFIXES };

/** Beyond this many answers in a row, a revocation would be announced hours or days late. */
export const MAX_CONFIRM_REVOCATION = 100;

// BedrockModelId / FoundationModelArn in bedrock.smithy.json, without the provisioned-model
// suffix, and refusing profile prefixes: grants belong to the model, not to a profile.
const SEGMENT = '[a-z0-9-]{1,63}';
const NOT_A_PROFILE = `(?!(?:${INFERENCE_PROFILE_PREFIXES.join('|')})\\.)`;
export const MODEL_ID_PATTERN = new RegExp(
  `^${NOT_A_PROFILE}${SEGMENT}\\.(?:${SEGMENT}\\.){0,2}${SEGMENT}(?::${SEGMENT}){0,2}$`,
);

const EXAMPLE_MODEL = 'amazon.titan-text-express-v1';
const EXPECTED_MODEL_ID =
  'expected provider.model-name in lowercase without spaces, like anthropic.claude-3-sonnet-20240229-v1:0';

const KINDS = EVENT_KINDS.join(', ');

function kindMessage(input: unknown): string {
  const invisible =
    typeof input === 'string' ? invisibleCharacterProblem('The kind', input) : undefined;
  if (invisible !== undefined) return invisible;
  const match = typeof input === 'string' ? closestMatch(input, EVENT_KINDS) : undefined;
  const hint = match === undefined ? `the kinds are ${KINDS}.` : `did you mean "${match}"?`;
  return `${describeValue(input)} is not a notification kind; ${hint}`;
}

function regionMessage(input: unknown): string {
  if (typeof input !== 'string') {
    return `Each region must be a region name like us-east-1, not ${describeValue(input)}.`;
  }
  return unknownRegionMessage(input);
}

/** Why `input` is no Bedrock region, with the region probably meant; the CLI's --region too. */
export function unknownRegionMessage(input: string): string {
  const invisible = invisibleCharacterProblem('The region', input);
  if (invisible !== undefined) return invisible;
  return `"${input}" is not an AWS region with a Bedrock endpoint${regionSuggestion(input) ?? '.'}`;
}

function regionSuggestion(input: string): string | undefined {
  // A well-formed name is most likely a real region without Bedrock (cn-north-1, ap-east-1):
  // suggest only a one-letter slip there, and never a region that differs only in its number.
  const wellFormed = /^[a-z]{2}(-gov)?-[a-z]+-\d+$/.test(input);
  const match = closestMatch(input, BEDROCK_REGIONS, wellFormed ? 1 : 2);
  const area = (region: string) => region.toLowerCase().replace(/\d+$/, '');
  if (match === undefined || (wellFormed && area(match) === area(input))) return undefined;
  return `; did you mean "${match}"?`;
}

function stripProfilePrefix(id: string): string | undefined {
  const prefix = INFERENCE_PROFILE_PREFIXES.find((p) => id.startsWith(`${p}.`));
  const modelId = prefix === undefined ? undefined : id.slice(prefix.length + 1);
  return modelId !== undefined && MODEL_ID_PATTERN.test(modelId) ? modelId : undefined;
}

/** Why `id` is no Bedrock model id, in words a person can act on; `diagnose` says it too. */
export function modelIdMessage(id: string): string {
  const invisible = invisibleCharacterProblem('The model id', id);
  if (invisible !== undefined) return invisible;
  const arn = /^arn:[^:]*:bedrock:[^:]*:[^:]*:([a-z-]+)\/(.+)$/.exec(id);
  if (arn) {
    const [, resource, name = ''] = arn;
    if (resource === 'foundation-model' && MODEL_ID_PATTERN.test(name)) {
      return `"${id}" is an ARN; write the model id alone: "${name}".`;
    }
    const modelId = resource === 'inference-profile' ? stripProfilePrefix(name) : undefined;
    if (modelId) {
      return `"${id}" is an inference profile ARN; watch the model id "${modelId}" instead, since access is granted per model and region.`;
    }
  }
  if (id.startsWith('arn:')) return `"${id}" is an ARN, not a model id; ${EXPECTED_MODEL_ID}.`;
  const modelId = stripProfilePrefix(id);
  if (modelId) {
    return `"${id}" is a cross-region inference profile id, not a model id; watch the model id "${modelId}" instead, since access is granted per model and region.`;
  }
  if (MODEL_ID_PATTERN.test(id.toLowerCase())) {
    return `"${id}" is not a Bedrock model id: model ids are lowercase, like "${id.toLowerCase()}".`;
  }
  return `"${id}" is not a Bedrock model id; ${EXPECTED_MODEL_ID}.`;
}

const RegionSchema = z.enum(BEDROCK_REGIONS, { error: (issue) => regionMessage(issue.input) });

const regionList = (description: string) =>
  z
    .array(RegionSchema, {
      error: (issue) => {
        if (issue.input === undefined) {
          return 'The file has no "regions" key; add the regions to check every model in, like regions: [us-east-1, us-west-2].';
        }
        if (typeof issue.input === 'string') {
          return `"regions" must be a list, even for one region: write [${issue.input}].`;
        }
        return `"regions" must be a list of region names, like [us-east-1, us-west-2]; found ${describeValue(issue.input)}.`;
      },
    })
    .check(
      z.minLength(1, { error: '"regions" is empty; name at least one region, like [us-east-1].' }),
      z.superRefine(
        ...refineUnique(undefined, (region) => `"${region}" is listed twice in "regions".`),
      ),
    )
    .register(z.globalRegistry, {
      description,
      uniqueItems: true,
      examples: [['us-east-1', 'us-west-2']],
    });

const ModelIdSchema = z
  .string({
    error: (issue) =>
      issue.input === undefined
        ? `This model entry has no "id"; add one, like "id: ${EXAMPLE_MODEL}".`
        : `"id" must be a Bedrock model id like ${EXAMPLE_MODEL}, not ${describeValue(issue.input)}.`,
  })
  .check(z.regex(MODEL_ID_PATTERN, { error: (issue) => modelIdMessage(String(issue.input)) }))
  .register(z.globalRegistry, {
    description:
      'Bedrock foundation model id, provider.model-name. Not an ARN and not a cross-region inference profile id (us., eu., apac., global., ...): watch the model itself.',
    examples: [
      'anthropic.claude-3-sonnet-20240229-v1:0',
      EXAMPLE_MODEL,
      'meta.llama3-8b-instruct-v1:0',
    ],
  });

const PROFILE_ID_PATTERN = new RegExp(
  `^(?:${INFERENCE_PROFILE_PREFIXES.join('|')})\\.${SEGMENT}\\.(?:${SEGMENT}\\.){0,2}${SEGMENT}(?::${SEGMENT}){0,2}$`,
);

/**
 * A duration key, `30m`, `2h` or `1d`, at least `minimum`. It stays text in the validated
 * config (a transform would hide the defaults and examples from the JSON Schema);
 * watched-config.ts reads it in whole milliseconds. `example` shows the format in messages.
 */
function durationSchema(key: string, example: string, minimum: { ms: number; text: string }) {
  const message = (input: unknown) =>
    `"${key}" must be a duration: a whole number and m (minutes), h (hours) or d (days), like ${example}; found ${describeValue(input)}.`;
  return z.string({ error: (issue) => message(issue.input) }).check(
    z.regex(DURATION_PATTERN, { error: (issue) => message(issue.input) }),
    z.refine(
      (text) => {
        const ms = parseDurationMs(text);
        return ms === undefined || ms >= minimum.ms;
      },
      {
        error: (issue) =>
          `"${key}" must be at least ${minimum.text}; found "${String(issue.input)}".`,
      },
    ),
  );
}

const VERIFY_EXAMPLE =
  '{ inferenceProfile: us.anthropic.claude-sonnet-4-5-20250929-v1:0, every: 1d }';

const VerifySchema = z
  .union(
    [
      z.boolean(),
      z.strictObject({
        inferenceProfile: z.optional(
          z
            .string({
              error:
                '"inferenceProfile" must be an inference profile id, like us.anthropic.claude-sonnet-4-5-20250929-v1:0.',
            })
            .check(
              z.regex(PROFILE_ID_PATTERN, {
                error: (issue) =>
                  invisibleCharacterProblem('The inference profile id', String(issue.input)) ??
                  `"${String(issue.input)}" is not a cross-region inference profile id; expected a prefix (${INFERENCE_PROFILE_PREFIXES.join(', ')}) and a model id, like us.anthropic.claude-sonnet-4-5-20250929-v1:0.`,
              }),
            ),
        ),
        every: z.optional(
          durationSchema('every', '1d', {
            ms: MIN_VERIFY_EVERY_MS,
            text: '1h (each call is billed)',
          }).register(z.globalRegistry, {
            description:
              'Opt-in, billed: repeat the verification call for an ENABLED pair this often (1h or more), so access that breaks while Bedrock still reports ENABLED is found: a lasting failure is a "blocked" alert, the first success after it a "ready".',
            examples: ['1d', '12h'],
          }),
        ),
      }),
    ],
    {
      // A mapping's own problems are reported at their place (load-config.ts); this is for
      // values that are neither a boolean nor a mapping.
      error: (issue) =>
        `"verify" must be true, false, or a mapping like ${VERIFY_EXAMPLE}; found ${describeValue(issue.input)}.`,
    },
  )
  .register(z.globalRegistry, {
    description:
      'Opt-in: when the model becomes ENABLED, make one 1-token Converse call (through the model id, or the given inference profile) to confirm it can really be invoked; with "every", repeat it at that interval while ENABLED. Billed (a fraction of a cent per call); for a third-party model a first invocation starts the AWS Marketplace subscription and accepts the provider\'s terms.',
  });

const ModelSchema = z
  .strictObject(
    {
      id: ModelIdSchema,
      regions: z.optional(
        regionList(
          'Regions to check this model in, replacing the top-level "regions" for this model only.',
        ),
      ),
      verify: z.optional(VerifySchema),
    },
    {
      error: (issue) => {
        if (issue.code !== 'invalid_type') return undefined;
        return typeof issue.input === 'string'
          ? `Each entry in "models" must be a mapping with an "id"; write "- id: ${issue.input}".`
          : `Each entry in "models" must be a mapping with an "id", like "- id: ${EXAMPLE_MODEL}"; found ${describeValue(issue.input)}.`;
      },
    },
  )
  .check(
    z.superRefine((model, context) => {
      const profile = typeof model.verify === 'object' ? model.verify.inferenceProfile : undefined;
      // A malformed profile id has its own problem already; only a well-formed one is compared.
      if (profile === undefined || !PROFILE_ID_PATTERN.test(profile)) return;
      if (profile.slice(profile.indexOf('.') + 1) === model.id) return;
      context.addIssue({
        code: 'custom',
        path: ['verify', 'inferenceProfile'],
        message: `The inference profile "${profile}" does not route to this model; use the profile of ${model.id}, like us.${model.id}.`,
      });
    }),
  )
  .register(z.globalRegistry, {
    title: 'Watched model',
    examples: [{ id: EXAMPLE_MODEL, regions: ['us-east-1'] }],
  });

const ModelListSchema = z
  .array(ModelSchema, {
    error: (issue) =>
      issue.input === undefined
        ? `The file has no "models" key; list the models to watch, like "models: [{ id: ${EXAMPLE_MODEL} }]".`
        : `"models" must be a list of entries like "- id: ${EXAMPLE_MODEL}"; found ${describeValue(issue.input)}.`,
  })
  .check(
    z.minLength(1, {
      error: `"models" is empty; list at least one model to watch, like "- id: ${EXAMPLE_MODEL}".`,
    }),
    z.superRefine(
      ...refineUnique(
        'id',
        (id) =>
          `Model "${id}" is listed twice; keep one entry per model and give it all its regions.`,
      ),
    ),
  )
  .register(z.globalRegistry, {
    description:
      'The Bedrock foundation models to watch; each is checked in its own "regions", or else in the top-level ones.',
  });

const NotifySchema = z
  ._default(
    z
      .array(z.enum(EVENT_KINDS, { error: (issue) => kindMessage(issue.input) }), {
        error: (issue) =>
          `"notify" must be a list of notification kinds, like [ready, revoked, failed]; found ${describeValue(issue.input)}.`,
      })
      .check(
        z.minLength(1, {
          error: `"notify" is empty; list at least one of ${KINDS}, or remove the key for the default [${DEFAULT_NOTIFY.join(', ')}].`,
        }),
        z.superRefine(
          ...refineUnique(undefined, (kind) => `"${kind}" is listed twice in "notify".`),
        ),
      ),
    () => [...DEFAULT_NOTIFY],
  )
  .register(z.globalRegistry, {
    description: `Event kinds that send a notification (${KINDS}). Default: ${DEFAULT_NOTIFY.join(', ')}.`,
    uniqueItems: true,
  });

const confirmRevocationMessage = (issue: { input?: unknown }) =>
  `"confirmRevocation" must be a whole number from 1 to ${MAX_CONFIRM_REVOCATION} (default 2); found ${describeValue(issue.input)}.`;

const tooManyAnswersMessage = (issue: { input?: unknown }) =>
  `${confirmRevocationMessage(issue)} More answers in a row would announce a revocation hours or days late: ${MAX_CONFIRM_REVOCATION} runs of the default 5-minute schedule take over 8 hours.`;

const ConfirmRevocationSchema = z
  ._default(
    z
      .int({ error: confirmRevocationMessage })
      .check(
        z.gte(1, { error: confirmRevocationMessage }),
        z.lte(MAX_CONFIRM_REVOCATION, { error: tooManyAnswersMessage }),
      ),
    DEFAULT_CONFIRM_REVOCATION,
  )
  .register(z.globalRegistry, {
    description: `How many checks in a row must see a non-ENABLED state before "revoked" is sent, so one odd answer does not page anyone. Default 2, at most ${MAX_CONFIRM_REVOCATION} (beyond that a revocation would be announced hours or days late).`,
  });

interface ConfigShape {
  regions: readonly string[];
  models: ReadonlyArray<{
    id: string;
    regions?: readonly string[] | undefined;
    verify?: boolean | { inferenceProfile?: string | undefined } | undefined;
  }>;
}

/** Every region the file names, with where: the top-level list, then each model's own. */
function namedRegions(config: ConfigShape): Array<{ region: string; path: PropertyKey[] }> {
  return [
    ...config.regions.map((region, index) => ({ region, path: ['regions', index] })),
    ...config.models.flatMap((model, modelIndex) =>
      (model.regions ?? []).map((region, index) => ({
        region,
        path: ['models', modelIndex, 'regions', index],
      })),
    ),
  ];
}

const isGovCloud = (region: string) => region.startsWith('us-gov-');

/**
 * GovCloud and the commercial regions are separate partitions, with separate accounts and
 * credentials: one deployment, in one partition, cannot check both.
 */
function refineOnePartition(config: ConfigShape, context: z.core.$RefinementCtx): void {
  const named = namedRegions(config);
  const first = named[0];
  if (first === undefined) return;
  const partition = (region: string) =>
    isGovCloud(region) ? 'an AWS GovCloud (US) region' : 'a commercial AWS region';
  for (const { region, path } of named) {
    if (isGovCloud(region) === isGovCloud(first.region)) continue;
    context.addIssue({
      code: 'custom',
      path,
      message: `"${region}" is ${partition(region)}, but "${first.region}", the first region of the file, is ${partition(first.region)}: GovCloud is a partition of its own, with its own accounts and credentials, and one deployment runs in one partition. Watch the GovCloud regions with a config and a deployment of their own.`,
    });
  }
}

/**
 * A cross-region inference profile is called from its own geography only (its source regions):
 * elsewhere the profile, and the ARN the packaged template would grant bedrock:InvokeModel on,
 * do not exist.
 */
function refineProfileGeographies(config: ConfigShape, context: z.core.$RefinementCtx): void {
  config.models.forEach((model, index) => {
    const profile = typeof model.verify === 'object' ? model.verify.inferenceProfile : undefined;
    if (profile === undefined || !PROFILE_ID_PATTERN.test(profile)) return;
    const prefix = INFERENCE_PROFILE_PREFIXES.find((p) => profile.startsWith(`${p}.`));
    if (prefix === undefined) return;
    const regions = model.regions ?? config.regions;
    const outside = regions.filter((region) => !profileServesRegion(prefix, region));
    const [region] = outside;
    if (region === undefined) return;
    const modelId = profile.slice(prefix.length + 1);
    // One profile must serve every region of the model: global, unless one geography holds them.
    const geographies = new Set(regions.map(profilePrefixFor));
    const instead =
      geographies.size === 1
        ? `${[...geographies][0] as InferenceProfilePrefix}.${modelId}`
        : `global.${modelId}`;
    context.addIssue({
      code: 'custom',
      path: ['models', index, 'verify', 'inferenceProfile'],
      message: `The inference profile "${profile}" cannot be called from ${outside.join(', ')}, where this model is checked: ${prefix}. profiles are called from ${INFERENCE_PROFILE_GEOGRAPHIES[prefix].join(', ')}, and the packaged template would grant bedrock:InvokeModel on a profile that does not exist there. Use ${instead} if the model has one, or give this model "regions" of its own within the ${prefix} geography.`,
    });
  });
}

const leadDaysMessage = (issue: { input?: unknown }) =>
  `Each lead time in "lifecycleWarnings" must be a whole number of days from 1 to ${MAX_LEAD_DAYS}, like 30; found ${describeValue(issue.input)}.`;

const LifecycleWarningsSchema = z
  ._default(
    z
      .array(
        z
          .int({ error: leadDaysMessage })
          .check(
            z.gte(1, { error: leadDaysMessage }),
            z.lte(MAX_LEAD_DAYS, { error: leadDaysMessage }),
          ),
        {
          error: (issue) =>
            `"lifecycleWarnings" must be a list of days, like [30, 7, 1]; found ${describeValue(issue.input)}.`,
        },
      )
      .check(
        z.superRefine(
          ...refineUnique(undefined, (days) => `${days} is listed twice in "lifecycleWarnings".`),
        ),
      ),
    () => [...DEFAULT_LIFECYCLE_WARNINGS],
  )
  .register(z.globalRegistry, {
    description:
      'Days before a watched model\'s public extended access (higher prices) and its end of life at which a "lifecycle" warning goes out, once each. Default [30, 7, 1]; [] for none (becoming LEGACY and date changes are still announced).',
    uniqueItems: true,
    examples: [
      [30, 7, 1],
      [60, 14],
    ],
  });

const StuckAfterSchema = z
  ._default(durationSchema('stuckAfter', '30m', { ms: 60_000, text: '1m' }), DEFAULT_STUCK_AFTER)
  .register(z.globalRegistry, {
    description:
      'How long a pair may stay IN_PROGRESS before a "stuck" alert (once per request): AWS says a Marketplace agreement still pending after about 15 minutes has failed. A duration such as 30m or 2h; default 30m.',
    examples: ['30m', '2h'],
  });

export const WatchedConfigSchema = z
  .strictObject(
    {
      regions: regionList('Regions to check every model in, unless the model lists its own.'),
      models: ModelListSchema,
      notify: NotifySchema,
      confirmRevocation: ConfirmRevocationSchema,
      lifecycleWarnings: LifecycleWarningsSchema,
      stuckAfter: StuckAfterSchema,
      accounts: z.optional(AccountsSchema),
    },
    {
      error: (issue) =>
        issue.code === 'invalid_type'
          ? 'The config must be a mapping with the keys "regions" and "models".'
          : undefined,
    },
  )
  .check(z.superRefine(refineOnePartition), z.superRefine(refineProfileGeographies))
  .register(z.globalRegistry, {
    title: 'bedrock-access-monitor watched models',
    description:
      'Which Amazon Bedrock foundation models to watch, in which regions. Access is granted per model and per region, so each model is checked in each of its regions.',
    examples: [{ regions: ['us-east-1', 'us-west-2'], models: [{ id: EXAMPLE_MODEL }] }],
  });
