/**
 * Reads config/watched-models.yml and reports every problem at once, each at the line and
 * column of the YAML node it is about, so a bad file is fixed in one pass.
 */
import { readFile } from 'node:fs/promises';
import type { Document, YAMLError, Node as YamlNode } from 'yaml';
import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import * as z from 'zod';
import { ConfigError, type ConfigProblem, formatProblems } from '../errors.ts';
import { closestMatch } from '../text/did-you-mean.ts';
import { findInvisibleCharacter, invisibleCharacterProblem } from './invisible-characters.ts';
import {
  ACCEPTED_CHECKS_PER_SECOND_PER_REGION,
  checkBudgetMs,
  checkDurationMs,
} from './run-capacity.ts';
import { MISPLACED_KEYS, WatchedConfigSchema } from './schema.ts';
import { resolveTargets, type WatchedConfig } from './watched-config.ts';

export type { ConfigProblem };
export { formatProblems };

export type ParseResult =
  | { ok: true; config: WatchedConfig }
  | { ok: false; problems: ConfigProblem[] };

type Path = readonly PropertyKey[];
type Report = (offset: number, path: Path, message: string) => ConfigProblem;

/** What the deployment gives a run; with it, a config whose checks cannot finish is refused. */
export interface RunLimits {
  /** The deployed function's timeout (serverless.yml). */
  functionTimeoutSeconds: number;
}

/** Validates the text of a watched-models file; `file` only labels the problems. */
export function parseWatchedModels(text: string, file: string, limits?: RunLimits): ParseResult {
  const source = withoutByteOrderMark(text);
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false });
  const report: Report = (offset, path, message) => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col, path: formatPath(path), message };
  };
  const fail = (problems: ConfigProblem[]): ParseResult => ({
    ok: false,
    problems: problems.sort((a, b) => a.line - b.line || a.column - b.column),
  });

  const problems = syntaxProblems(doc.errors, source, report);
  // After a syntax error yaml keeps going on a guess of what was meant; checking that guess
  // against the schema would report things the author never wrote. Duplicate keys are the
  // exception: the tree is exactly what was written.
  if (doc.errors.some((error) => error.code !== 'DUPLICATE_KEY')) return fail(problems);

  const root = doc.contents;
  if (!isMap(root)) return fail([...problems, shapeProblem(root, report)]);
  let data: unknown;
  try {
    data = doc.toJS();
  } catch (error) {
    // toJS refuses alias bombs and bad anchors.
    return fail([...problems, report(0, [], `YAML cannot be read: ${(error as Error).message}`)]);
  }
  const result = WatchedConfigSchema.safeParse(data);
  if (result.success && problems.length === 0) {
    const late = limits === undefined ? [] : capacityProblems(result.data, limits, doc, report);
    return late.length === 0 ? { ok: true, config: result.data } : fail(late);
  }
  const issues = result.success ? [] : result.error.issues;
  return fail([
    ...problems,
    ...issues.flatMap((issue) => schemaProblems(issue, doc, source, report)),
  ]);
}

/**
 * Problems found in a valid file after parsing it (against the live catalog), each placed at
 * the YAML node of its path, in file order.
 */
export function placeProblems(
  text: string,
  file: string,
  found: readonly { path: Path; message: string }[],
): ConfigProblem[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(withoutByteOrderMark(text), { lineCounter, prettyErrors: false });
  return found
    .map(({ path, message }) => {
      const { line, col } = lineCounter.linePos(offsetOf(doc, path, 'value'));
      return { file, line, column: col, path: formatPath(path), message };
    })
    .sort((a, b) => a.line - b.line || a.column - b.column);
}

/**
 * Reads and validates a watched-models file; throws ConfigError listing every problem. With
 * `limits`, also refuses a config whose checks a run of the deployed function cannot finish.
 */
export async function loadWatchedModels(path: string, limits?: RunLimits): Promise<WatchedConfig> {
  return (await readWatchedModels(path, limits)).config;
}

/** loadWatchedModels, with the text it read, for placing later problems (placeProblems). */
export async function readWatchedModels(
  path: string,
  limits?: RunLimits,
): Promise<{ config: WatchedConfig; text: string }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const problem = { file: path, line: 0, column: 0, path: '', message: unreadable(error) };
    throw new ConfigError([problem], { cause: error });
  }
  const text = decodeUtf8(bytes, path);
  const result = parseWatchedModels(text, path, limits);
  if (!result.ok) throw new ConfigError(result.problems);
  return { config: result.config, text };
}

/** A byte-order mark would shift every column on the first line by one. */
function withoutByteOrderMark(text: string): string {
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

/**
 * The file's text, or a ConfigError that says it is not UTF-8: decoded leniently, a Latin-1 or
 * binary file would come out as replacement characters and read as "a single value".
 */
function decodeUtf8(bytes: Buffer, file: string): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) throw notUtf8(file, 'it is UTF-16 text');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) throw notUtf8(file, 'it is UTF-16 text');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // The lenient decoding marks the first byte that is not UTF-8; count lines up to it.
    const lenient = bytes.toString('utf8');
    const at = firstReplacement(lenient, bytes);
    const lines = lenient.slice(0, at).split('\n');
    const line = lines.length;
    const column = (lines.at(-1)?.length ?? 0) + 1;
    const byte = bytes[Buffer.byteLength(lenient.slice(0, at))] ?? 0;
    const hex = `0x${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    throw notUtf8(file, `byte ${hex} is not UTF-8`, line, column);
  }
}

/** Where the lenient decoding first put U+FFFD for bytes that were not one. */
function firstReplacement(text: string, bytes: Buffer): number {
  let at = text.indexOf('\uFFFD');
  // A U+FFFD that was in the file (EF BF BD) is no mark: look further.
  while (at >= 0) {
    const offset = Buffer.byteLength(text.slice(0, at));
    if (!(bytes[offset] === 0xef && bytes[offset + 1] === 0xbf && bytes[offset + 2] === 0xbd)) {
      return at;
    }
    at = text.indexOf('\uFFFD', at + 1);
  }
  return 0;
}

function notUtf8(file: string, why: string, line = 0, column = 0): ConfigError {
  return new ConfigError([
    {
      file,
      line,
      column,
      path: '',
      message: `The file is not UTF-8 text (${why}); save it as UTF-8, the encoding YAML files use.`,
    },
  ]);
}

/**
 * The busiest region's checks at the rate Bedrock accepts, against the part of the function's
 * timeout a run gives its checks: refused when they cannot all finish, so that a run is not
 * UNKNOWN for the same pairs every time.
 */
function capacityProblems(
  config: WatchedConfig,
  limits: RunLimits,
  doc: Document,
  report: Report,
): ConfigProblem[] {
  const budgetMs = checkBudgetMs(limits.functionTimeoutSeconds * 1000);
  const perRegion = new Map<string, number>();
  for (const { region } of resolveTargets(config)) {
    perRegion.set(region, (perRegion.get(region) ?? 0) + 1);
  }
  return [...perRegion]
    .filter(([, checks]) => checkDurationMs(checks) > budgetMs)
    .map(([region, checks]) => {
      const path = firstMention(config, region);
      const seconds = Math.ceil(checkDurationMs(checks) / 1000);
      return report(
        offsetOf(doc, path, 'value'),
        path,
        `${region} has ${checks} checks a run: at ${ACCEPTED_CHECKS_PER_SECOND_PER_REGION} calls a second, the rate per region Bedrock accepts in the benchmark (npm run bench), they take about ${seconds} s, more than the ${Math.floor(budgetMs / 1000)} s a run of the deployed function has for them (its timeout, ${limits.functionTimeoutSeconds} s in serverless.yml, less the time it keeps for saving state and sending alerts). Watch fewer models in ${region}, or split the models over two deployments (stages).`,
      );
    });
}

/** Where the file first names `region`: the top-level list, else the first model that does. */
function firstMention(config: WatchedConfig, region: string): Path {
  const top = config.regions.indexOf(region as (typeof config.regions)[number]);
  if (top >= 0) return ['regions', top];
  for (const [index, model] of config.models.entries()) {
    const own = model.regions?.indexOf(region as (typeof config.regions)[number]) ?? -1;
    if (own >= 0) return ['models', index, 'regions', own];
  }
  return ['regions'];
}

function unreadable(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'The watched-models file does not exist.';
  if (code === 'EISDIR') return 'This is a directory, not the watched-models YAML file.';
  if (code === 'EACCES') return 'The watched-models file cannot be read: permission denied.';
  return `The watched-models file cannot be read: ${(error as Error).message}`;
}

function syntaxProblems(errors: readonly YAMLError[], source: string, report: Report) {
  const byLine = new Map<number, ConfigProblem>();
  for (const error of errors) {
    const problem = syntaxProblem(error, source, report);
    // Later errors on the same line are nearly always knock-on effects of the first.
    if (!byLine.has(problem.line)) byLine.set(problem.line, problem);
  }
  return [...byLine.values()];
}

/** yaml's own wording, made plainer where it is cryptic, at the place a person must edit. */
function syntaxProblem(error: YAMLError, source: string, report: Report): ConfigProblem {
  const offset = error.pos[0];
  const lineStart = source.lastIndexOf('\n', offset - 1) + 1;
  const indent = /^[ \t]*/.exec(source.slice(lineStart))?.[0] ?? '';
  // yaml reports a tab in indentation under several codes; the tab is the thing to fix.
  if (indent.includes('\t')) {
    const message = 'This line is indented with a tab; YAML indentation must use spaces.';
    return report(lineStart + indent.indexOf('\t'), [], message);
  }
  // An unclosed quote or bracket is noticed lines later; point at where it was opened.
  const unclosed = /Missing closing ("|')quote|end with a (\]|\})/.exec(error.message);
  if (unclosed) {
    const close = unclosed[1] ?? unclosed[2] ?? '';
    const open = close === ']' ? '[' : close === '}' ? '{' : close;
    const opener = source.lastIndexOf(open, offset - (open === close ? 1 : 0));
    const message =
      open === close
        ? `This quoted value is never closed; add the closing ${close}.`
        : `This "${open}" is never closed; add the closing "${close}".`;
    return report(opener >= 0 ? opener : offset, [], message);
  }
  return report(offset, [], syntaxMessage(error, source));
}

function syntaxMessage(error: YAMLError, source: string): string {
  if (error.code === 'DUPLICATE_KEY') {
    const key = /^([^:\n]+?)\s*:/.exec(source.slice(error.pos[0]))?.[1];
    const name = key === undefined ? 'This key' : `"${key}"`;
    return `${name} appears twice in the same mapping; YAML keys must be unique, so keep one.`;
  }
  if (error.code === 'MULTIPLE_DOCS') {
    return 'A second YAML document starts here ("---"); the config must be one document.';
  }
  if (error.code === 'BAD_INDENT' && error.message.includes('same column')) {
    return 'This line is indented differently from the entries before it; entries of one mapping or list must start at the same column.';
  }
  if (error.code === 'BLOCK_AS_IMPLICIT_KEY' && error.message.includes('compact mappings')) {
    return 'YAML syntax error: this value runs on into the next line, which is probably indented too deep.';
  }
  return `YAML syntax error: ${error.message.replace(/\.?$/, '.')}`;
}

function shapeProblem(root: unknown, report: Report): ConfigProblem {
  if (root === null) {
    return report(0, [], 'The file has no settings; it needs at least "regions" and "models".');
  }
  const offset = isNode(root) ? (root.range?.[0] ?? 0) : 0;
  const found = isSeq(root) ? 'a list' : 'a single value';
  return report(
    offset,
    [],
    `The file is ${found}; it must be a mapping with the keys "regions" and "models" at the top level.`,
  );
}

function schemaProblems(
  issue: z.core.$ZodIssue,
  doc: Document,
  source: string,
  report: Report,
): ConfigProblem[] {
  const branch = issue.code === 'invalid_union' ? typeMatchingBranch(issue.errors) : undefined;
  if (branch !== undefined) {
    // The value has the type of one option (a mapping for `verify`): its problems, at their place.
    return branch.flatMap((inner) =>
      schemaProblems({ ...inner, path: [...issue.path, ...inner.path] }, doc, source, report),
    );
  }
  if (issue.code === 'unrecognized_keys') {
    const allowed = allowedKeysAt(issue.path);
    return issue.keys.map((key) => {
      const path = [...issue.path, key];
      const misplaced = issue.path.length === 0 ? MISPLACED_KEYS[key] : undefined;
      if (misplaced !== undefined) return report(offsetOf(doc, path, 'key'), path, misplaced);
      const suggestion = closestMatch(key, allowed);
      const hint = suggestion === undefined ? '.' : `; did you mean "${suggestion}"?`;
      const message =
        invisibleCharacterProblem('The key', key) ??
        `Unknown key "${key}"${hint} The keys allowed here are ${allowed.join(', ')}.`;
      return report(
        invisibleAt(doc, source, path, 'key') ?? offsetOf(doc, path, 'key'),
        path,
        message,
      );
    });
  }
  let message = issue.message;
  const firstAt = issue.code === 'custom' ? issue.params?.firstAt : undefined;
  if (Array.isArray(firstAt)) {
    // firstAt is relative like the issue's own path: same parent, other index.
    const firstPath = [...issue.path.slice(0, issue.path.length - firstAt.length), ...firstAt];
    const first = report(offsetOf(doc, firstPath, 'value'), firstPath, '');
    const here = report(offsetOf(doc, issue.path, 'value'), issue.path, '');
    message +=
      first.line === here.line
        ? ` The first is at column ${first.column}.`
        : ` The first is on line ${first.line}.`;
  }
  const offset =
    invisibleAt(doc, source, issue.path, 'value') ?? offsetOf(doc, issue.path, 'value');
  return [report(offset, issue.path, message)];
}

/**
 * The offset of the first invisible character in the key or value at `path`, so that the
 * column points at the character itself; undefined when there is none, or when the text is
 * written with escapes that make offsets in the value differ from offsets in the file.
 */
function invisibleAt(
  doc: Document,
  source: string,
  path: Path,
  want: 'key' | 'value',
): number | undefined {
  const parent = path.length === 0 ? doc.contents : doc.getIn(path.slice(0, -1), true);
  const last = path.at(-1);
  let node: unknown;
  if (want === 'key' && isMap(parent)) {
    node = parent.items.find(
      (pair) => isScalar(pair.key) && String(pair.key.value) === String(last),
    )?.key;
  } else {
    node = doc.getIn(path as unknown[], true);
  }
  const range = isScalar(node) ? node.range : undefined;
  if (!isScalar(node) || typeof node.value !== 'string' || !range) return undefined;
  const found = findInvisibleCharacter(node.value);
  if (found === undefined) return undefined;
  const start = source.slice(range[0], range[1]).indexOf(node.value);
  return start < 0 ? undefined : range[0] + start + found.index;
}

/** The issues of the one union option whose type the value has, when exactly one has it. */
function typeMatchingBranch(
  branches: readonly (readonly z.core.$ZodIssue[])[],
): readonly z.core.$ZodIssue[] | undefined {
  const typed = branches.filter(
    (issues) => !issues.some((inner) => inner.code === 'invalid_type' && inner.path.length === 0),
  );
  return typed.length === 1 ? typed[0] : undefined;
}

/**
 * Where a problem about `path` points: its value, or its key when the value is empty or the
 * problem is the key itself; the nearest enclosing node when the key is missing.
 */
function offsetOf(doc: Document, path: Path, want: 'key' | 'value'): number {
  let nearest: YamlNode | null = doc.contents;
  let node: unknown = doc.contents;
  let key: unknown;
  for (const segment of path) {
    key = undefined;
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => isScalar(p.key) && String(p.key.value) === String(segment),
      );
      key = pair?.key;
      node = pair?.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment];
    } else {
      node = undefined;
    }
    if (!isNode(node)) break;
    nearest = node;
  }
  const range = (n: unknown) => (isNode(n) ? n.range : undefined);
  const keyRange = range(key);
  const valueRange = range(node);
  if (keyRange && (want === 'key' || !valueRange || valueRange[0] === valueRange[1])) {
    return keyRange[0];
  }
  return (valueRange ?? range(nearest))?.[0] ?? 0;
}

/** The keys the schema allows in the mapping at `path`, for "did you mean". */
function allowedKeysAt(path: Path): string[] {
  let schema: unknown = WatchedConfigSchema;
  for (const segment of path) {
    const inner = unwrap(schema);
    if (inner instanceof z.ZodObject) schema = inner.shape[String(segment)];
    else if (inner instanceof z.ZodArray) schema = inner.def.element;
    else return [];
  }
  const inner = unwrap(schema);
  return inner instanceof z.ZodObject ? Object.keys(inner.shape) : [];
}

function unwrap(schema: unknown): unknown {
  let inner = schema;
  while (inner instanceof z.ZodOptional || inner instanceof z.ZodDefault) {
    inner = inner.def.innerType;
  }
  // A union with a mapping option (`verify`): its keys are the ones allowed in a mapping.
  if (inner instanceof z.ZodUnion) {
    return (inner.def.options as unknown[]).find((option) => option instanceof z.ZodObject);
  }
  return inner;
}

/** `["models", 2, "id"]` as `models[2].id`. */
function formatPath(path: Path): string {
  return path
    .map((segment, index) =>
      typeof segment === 'number' ? `[${segment}]` : `${index === 0 ? '' : '.'}${String(segment)}`,
    )
    .join('');
}
