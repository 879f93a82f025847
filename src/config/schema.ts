/**
 * The watched-models config: which models to check in which regions, and what to notify.
 * Every message here is written for the person editing the YAML file; load-config.ts adds the
 * file, line and column. The same schema generates config/watched-models.schema.json.
 */
import type { TransitionKind } from '../grants/types.ts';
import { TRANSITION_KINDS } from '../grants/types.ts';
import { closestMatch } from '../text/did-you-mean.ts';
import * as z from '../validation/zod-mini.ts';
import { BEDROCK_REGIONS } from './bedrock-regions.ts';

export const DEFAULT_NOTIFY: readonly TransitionKind[] = ['ready', 'revoked', 'failed', 'blocked'];
export const DEFAULT_CONFIRM_REVOCATION = 2;

/** Prefixes of cross-region inference profile ids (`us.anthropic...`); see bedrock-facts.md. */
export const INFERENCE_PROFILE_PREFIXES = [
  'us',
  'eu',
  'apac',
  'global',
  'us-gov',
  'jp',
  'au',
  'ca',
] as const;

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

/** How a value reads in a message: strings quoted, collections by kind. */
function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return typeof value === 'string' ? `"${value}"` : String(value);
}

const KINDS = TRANSITION_KINDS.join(', ');

function kindMessage(input: unknown): string {
  const match = typeof input === 'string' ? closestMatch(input, TRANSITION_KINDS) : undefined;
  const hint = match === undefined ? `the kinds are ${KINDS}.` : `did you mean "${match}"?`;
  return `${describeValue(input)} is not a notification kind; ${hint}`;
}

function regionMessage(input: unknown): string {
  if (typeof input !== 'string') {
    return `Each region must be a region name like us-east-1, not ${describeValue(input)}.`;
  }
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

function modelIdMessage(id: string): string {
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

/**
 * Refuses repeated entries (compared whole, or by `field`). Runs even when some entries are
 * invalid, so a file with both kinds of mistake reports both at once. `params.firstAt` is the
 * first occurrence's path, relative like the issue's own, so load-config.ts can name its line.
 */
function refineUnique(field: string | undefined, message: (key: string) => string) {
  const keyOf = (entry: unknown): unknown =>
    field === undefined
      ? entry
      : typeof entry === 'object' && entry
        ? Reflect.get(entry, field)
        : undefined;
  const inner = field === undefined ? [] : [field];
  return [
    (list: unknown, ctx: z.core.$RefinementCtx) => {
      if (!Array.isArray(list)) return;
      const firstIndex = new Map<string, number>();
      list.forEach((entry, index) => {
        const key = keyOf(entry);
        if (typeof key !== 'string') return;
        const first = firstIndex.get(key);
        if (first === undefined) {
          firstIndex.set(key, index);
          return;
        }
        ctx.addIssue({
          code: 'custom',
          message: message(key),
          path: [index, ...inner],
          params: { firstAt: [first, ...inner] },
        });
      });
    },
    { when: () => true },
  ] as const;
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

const VerifySchema = z
  .union(
    [
      z.boolean(),
      z.strictObject({
        inferenceProfile: z
          .string({
            error:
              '"inferenceProfile" must be an inference profile id, like us.anthropic.claude-sonnet-4-5-20250929-v1:0.',
          })
          .check(
            z.regex(PROFILE_ID_PATTERN, {
              error: (issue) =>
                `"${String(issue.input)}" is not a cross-region inference profile id; expected a prefix (${INFERENCE_PROFILE_PREFIXES.join(', ')}) and a model id, like us.anthropic.claude-sonnet-4-5-20250929-v1:0.`,
            }),
          ),
      }),
    ],
    {
      error: (issue) => {
        const input = issue.input;
        if (typeof input === 'object' && input !== null && !Array.isArray(input)) {
          const keys = Object.keys(input).filter((key) => key !== 'inferenceProfile');
          if (keys.length > 0) {
            return `"verify" as a mapping takes only "inferenceProfile", like { inferenceProfile: us.anthropic.claude-sonnet-4-5-20250929-v1:0 }; unknown key ${keys.map((key) => `"${key}"`).join(', ')}.`;
          }
        }
        return `"verify" must be true, false, or { inferenceProfile: <profile id> }; found ${describeValue(input)}.`;
      },
    },
  )
  .register(z.globalRegistry, {
    description:
      "Opt-in: when the model becomes ENABLED, make one 1-token Converse call (through the model id, or the given inference profile) to confirm it can really be invoked. Billed (a fraction of a cent); for a third-party model a first invocation starts the AWS Marketplace subscription and accepts the provider's terms.",
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
      .array(z.enum(TRANSITION_KINDS, { error: (issue) => kindMessage(issue.input) }), {
        error: (issue) =>
          `"notify" must be a list of notification kinds, like [ready, revoked, failed]; found ${describeValue(issue.input)}.`,
      })
      .check(
        z.minLength(1, {
          error: `"notify" is empty; list at least one of ${KINDS}, or remove the key for the default [ready, revoked, failed, blocked].`,
        }),
        z.superRefine(
          ...refineUnique(undefined, (kind) => `"${kind}" is listed twice in "notify".`),
        ),
      ),
    () => [...DEFAULT_NOTIFY],
  )
  .register(z.globalRegistry, {
    description: `Transition kinds that send a notification (${KINDS}). Default: ready, revoked, failed, blocked.`,
    uniqueItems: true,
  });

const confirmRevocationMessage = (issue: { input?: unknown }) =>
  `"confirmRevocation" must be a whole number, 1 or more (default 2); found ${describeValue(issue.input)}.`;

const ConfirmRevocationSchema = z
  ._default(
    z.int({ error: confirmRevocationMessage }).check(z.gte(1, { error: confirmRevocationMessage })),
    DEFAULT_CONFIRM_REVOCATION,
  )
  .register(z.globalRegistry, {
    description:
      'How many checks in a row must see a non-ENABLED state before "revoked" is sent, so one odd answer does not page anyone. Default 2.',
  });

export const WatchedConfigSchema = z
  .strictObject(
    {
      regions: regionList('Regions to check every model in, unless the model lists its own.'),
      models: ModelListSchema,
      notify: NotifySchema,
      confirmRevocation: ConfirmRevocationSchema,
    },
    {
      error: (issue) =>
        issue.code === 'invalid_type'
          ? 'The config must be a mapping with the keys "regions" and "models".'
          : undefined,
    },
  )
  .register(z.globalRegistry, {
    title: 'bedrock-access-monitor watched models',
    description:
      'Which Amazon Bedrock foundation models to watch, in which regions. Access is granted per model and per region, so each model is checked in each of its regions.',
    examples: [{ regions: ['us-east-1', 'us-west-2'], models: [{ id: EXAMPLE_MODEL }] }],
  });
