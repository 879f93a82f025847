/**
 * Reading a scenario file (YAML or JSON; JSON is YAML) into the resolved `Scenario` the
 * simulator runs. Every problem is reported with its path and, where the text has one, its
 * line and column, before the simulator starts.
 */
import { readFile } from 'node:fs/promises';
import { type Document, isNode, LineCounter, parseDocument } from 'yaml';
import type * as z from 'zod';
import { BedrockAccessMonitorError } from '../errors.ts';
import { type CatalogModel, resolveCatalogModel } from './catalog.ts';
import type { CatalogScript } from './catalog-book.ts';
import { answerFromSpec, type GrantAnswer } from './grant-answers.ts';
import { type FaultSpec, type OrganizationSpec, scenarioFileSchema } from './scenario-schema.ts';
import {
  type AgreementPlan,
  agreementDelayFrom,
  catalogScriptsFromFile,
  DEFAULT_AGREEMENT_DELAY,
  type GrantScript,
  grantScriptsFromFile,
} from './timeline.ts';
import { modelIdOfInferenceProfile } from './wire-vocabulary.ts';

export interface Scenario {
  account: string;
  callerArn: string;
  /** Scenario catalog plus every model only named in `grants`, with defaults. */
  catalog: CatalogModel[];
  /** How catalog entries change over time: lifecycle status and dates, listed or not. */
  catalogScripts: CatalogScript[];
  /** For catalog models in regions no grant scripts. */
  defaultAnswer: GrantAnswer;
  grants: GrantScript[];
  faults: FaultSpec[];
  /** Whether GetUseCaseForModelAccess finds the Anthropic use-case form at the start. */
  useCaseFormSubmitted: boolean;
  /** Whether AWS accepts the caller's credentials; expired or invalid ones are refused on every call. */
  callerCredentials: 'valid' | 'expired' | 'invalid';
  /** What CreateFoundationModelAgreement leads to for pairs whose grant sets no `agreement`. */
  agreement: AgreementPlan;
  /** The organization `account` manages; undefined: it is in none. */
  organization: OrganizationSpec | undefined;
}

export interface ScenarioIssue {
  /** `grants[0].timeline[2].state`; empty for the whole file. */
  path: string;
  line: number | undefined;
  column: number | undefined;
  message: string;
}

/** A scenario file that cannot be read or is not valid; `issues` lists everything found at once. */
export class ScenarioError extends BedrockAccessMonitorError {
  constructor(
    readonly file: string,
    readonly issues: readonly ScenarioIssue[],
    options?: ErrorOptions,
  ) {
    super(
      `Invalid scenario ${file}:\n${issues.map((issue) => formatIssue(file, issue)).join('\n')}`,
      options,
    );
  }
}

/** `file:line:column: path: message`, as editors and CI logs link them. */
function formatIssue(file: string, issue: ScenarioIssue): string {
  const where = issue.line === undefined ? file : `${file}:${issue.line}:${issue.column}`;
  const path = issue.path === '' ? '' : `${issue.path}: `;
  return `${where}: ${path}${issue.message}`;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`))
    .join('');
}

/** Where a path starts in the text: the deepest existing node on it (a missing key points to its parent). */
function locate(
  doc: Document,
  lines: LineCounter,
  path: readonly PropertyKey[],
): { line: number | undefined; column: number | undefined } {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth) as unknown[], true);
    if (isNode(node) && node.range) {
      const { line, col } = lines.linePos(node.range[0]);
      return { line, column: col };
    }
  }
  return { line: undefined, column: undefined };
}

function issuesFromZod(error: z.ZodError, doc: Document, lines: LineCounter): ScenarioIssue[] {
  return error.issues.map((issue) => ({
    path: formatPath(issue.path),
    ...locate(doc, lines, issue.path),
    message: issue.message,
  }));
}

/** Parses and validates scenario text; `file` names it in errors. Throws ScenarioError. */
export function parseScenario(text: string, file: string): Scenario {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  if (doc.errors.length > 0) {
    throw new ScenarioError(
      file,
      doc.errors.map((error) => {
        const position = error.linePos?.[0];
        // The message repeats the position and draws the line; the issue carries both already.
        const message =
          error.message.split('\n')[0]?.replace(/ at line \d+, column \d+:$/, '') ?? '';
        return { path: '', line: position?.line, column: position?.col, message };
      }),
    );
  }
  const content: unknown = doc.toJS();
  if (content === null || content === undefined) {
    const message = 'the scenario is empty; it needs at least `account: "123456789012"`';
    throw new ScenarioError(file, [{ path: '', line: undefined, column: undefined, message }]);
  }
  const parsed = scenarioFileSchema.safeParse(content);
  if (!parsed.success) throw new ScenarioError(file, issuesFromZod(parsed.error, doc, lines));

  const scenarioFile = parsed.data;
  const agreementDelay =
    agreementDelayFrom({
      delaySeconds: scenarioFile.agreementDelaySeconds,
      delayTicks: scenarioFile.agreementDelayTicks,
    }) ?? DEFAULT_AGREEMENT_DELAY;
  const catalog = scenarioFile.catalog.map(resolveCatalogModel);
  const catalogIds = new Set(catalog.map((model) => model.id));
  for (const grant of scenarioFile.grants) {
    // An inference profile id is no foundation model: ListFoundationModels never lists it.
    if (!catalogIds.has(grant.model) && modelIdOfInferenceProfile(grant.model) === undefined) {
      catalog.push(resolveCatalogModel({ id: grant.model, lifecycle: { status: 'ACTIVE' } }));
      catalogIds.add(grant.model);
    }
  }
  return {
    account: scenarioFile.account,
    callerArn:
      scenarioFile.callerArn ??
      `arn:aws:sts::${scenarioFile.account}:assumed-role/BedrockAccessMonitor/simulator`,
    catalog,
    catalogScripts: catalogScriptsFromFile(scenarioFile),
    defaultAnswer: answerFromSpec(scenarioFile.default),
    grants: grantScriptsFromFile(scenarioFile, agreementDelay),
    faults: scenarioFile.faults,
    useCaseFormSubmitted: scenarioFile.useCaseFormSubmitted,
    callerCredentials: scenarioFile.callerCredentials,
    agreement: { delay: agreementDelay, outcome: 'ENABLED', message: undefined },
    organization: scenarioFile.organization,
  };
}

/** Reads and validates a scenario file. Throws ScenarioError. */
export async function loadScenario(path: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ScenarioError(path, [{ path: '', line: undefined, column: undefined, message }], {
      cause: error,
    });
  }
  return parseScenario(text, path);
}
