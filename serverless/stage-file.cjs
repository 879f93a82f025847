'use strict';

// The settings file of a stage, stages/<stage>.yml: what a deploy of that stage uses, kept in
// the repository so that the next deploy uses the same (a --param is not remembered, and a
// deploy without it switches its setting off). stack-settings.cjs merges it with the defaults;
// deploy-guard.cjs refuses a deploy without it.

const { existsSync, readFileSync } = require('node:fs');
const path = require('node:path');
const { isMap, parseDocument } = require('yaml');

const STAGES_DIR = 'stages';

// The stack's settings (serverless.yml params.default), the region, and the one guard flag.
const SETTING_KEYS = [
  'schedule',
  'alertEmail',
  'slackWorkspaceId',
  'slackChannelId',
  'logRetentionDays',
  'historyTtlDays',
  'alertTopicKmsKeyArn',
  'dashboard',
  'eventBusName',
  'workerMaximumConcurrency',
];
// Settings whose value is true or false, as YAML writes them.
const BOOLEAN_KEYS = ['dashboard', 'allowDroppingSubscriptions'];
const STAGE_FILE_KEYS = ['region', ...SETTING_KEYS, 'allowDroppingSubscriptions'];

/** The path of a stage's settings file, relative to the service directory. */
function stageFilePath(stage) {
  return `${STAGES_DIR}/${stage}.yml`;
}

/** Levenshtein distance, for "did you mean". */
function distance(a, b) {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
    }
    previous = current;
  }
  return previous[b.length];
}

function suggestion(key) {
  const [best] = STAGE_FILE_KEYS.map((known) => ({ known, cost: distance(key, known) })).sort(
    (a, b) => a.cost - b.cost,
  );
  return best && best.cost <= Math.max(2, Math.floor(key.length / 3)) ? best.known : undefined;
}

/** The line of a YAML node, 1-based, for messages. */
function lineOf(text, node) {
  const offset = node?.range?.[0] ?? 0;
  return text.slice(0, offset).split('\n').length;
}

/**
 * Reads stages/<stage>.yml under `serviceDir`. Returns `{ file, found, values, problems }`:
 * `values` holds the keys the file sets (strings, numbers and booleans as written); every
 * problem names the file and the line.
 */
function readStageFile(serviceDir, stage) {
  const file = stageFilePath(stage);
  const absolute = path.join(serviceDir, file);
  if (!existsSync(absolute)) return { file, found: false, values: {}, problems: [] };

  let text;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    return {
      file,
      found: true,
      values: {},
      problems: [`${file}: cannot be read: ${error.message}`],
    };
  }
  const document = parseDocument(text, { prettyErrors: false });
  if (document.errors.length > 0) {
    return {
      file,
      found: true,
      values: {},
      problems: document.errors.map(
        (error) => `${file}:${error.linePos?.[0]?.line ?? 1}: YAML syntax error: ${error.message}`,
      ),
    };
  }
  if (document.contents === null) return { file, found: true, values: {}, problems: [] };
  if (!isMap(document.contents)) {
    return {
      file,
      found: true,
      values: {},
      problems: [`${file}: must be a mapping of settings (name: value), one a line`],
    };
  }

  const data = document.toJS();
  const values = {};
  const problems = [];
  for (const pair of document.contents.items) {
    const key = String(pair.key?.value ?? pair.key);
    const where = `${file}:${lineOf(text, pair.key)}`;
    if (!STAGE_FILE_KEYS.includes(key)) {
      const hint = suggestion(key);
      problems.push(
        `${where}: unknown setting "${key}"${hint ? `; did you mean "${hint}"?` : '.'} The settings are ${STAGE_FILE_KEYS.join(', ')}.`,
      );
      continue;
    }
    const value = data[key] ?? null;
    if (BOOLEAN_KEYS.includes(key)) {
      if (typeof value !== 'boolean') {
        problems.push(`${where}: ${key} must be true or false`);
        continue;
      }
    } else if (value === null) {
      // `alertEmail:` with nothing after it: the same as leaving the key out.
      continue;
    } else if (!['string', 'number'].includes(typeof value)) {
      problems.push(`${where}: ${key} must be a single value, not a list or a mapping`);
      continue;
    }
    values[key] = value;
  }
  return { file, found: true, values, problems };
}

module.exports = { readStageFile, stageFilePath, SETTING_KEYS, STAGE_FILE_KEYS };
