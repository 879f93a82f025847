'use strict';

// Local Serverless plugin: refuses to package (and so to deploy) a config/watched-models.yml
// that the monitor would refuse at run time. It runs the project's own validator, the CLI's
// `validate` command, so the rules and the messages (`file:line:col: message`) are the ones
// users already see from `npx bedrock-access-monitor validate`.

const { spawnSync } = require('node:child_process');
const path = require('node:path');

const WATCHED_MODELS_FILE = 'config/watched-models.yml';
const VALIDATOR = 'bin/bedrock-access-monitor.js';

class ValidateWatchedModelsPlugin {
  constructor(serverless, _options, utils) {
    this.serverless = serverless;
    // The plugin logger of osls and Serverless v4 (third constructor argument).
    this.log = utils?.log;
    this.serviceDir = serverless.serviceDir ?? serverless.config.servicePath;

    // Serverless Framework v4 knows the top-level `build` block (set to `esbuild: false` in
    // serverless.yml so that only serverless-esbuild bundles); osls does not, so declare it
    // there to keep its configuration validation quiet. v4 already has a definition.
    const schemaHandler = serverless.configSchemaHandler;
    if (schemaHandler?.schema?.properties && !schemaHandler.schema.properties.build) {
      schemaHandler.defineTopLevelProperty('build', { type: 'object' });
    }

    // package:initialize is the first step of `package`, and `deploy` packages first;
    // `deploy function` packages the one function on its own.
    this.hooks = {
      'before:package:initialize': () => this.validate(),
      'before:deploy:function:packageFunction': () => this.validate(),
    };
  }

  validate() {
    const file = path.join(this.serviceDir, WATCHED_MODELS_FILE);
    const result = spawnSync(
      process.execPath,
      [path.join(this.serviceDir, VALIDATOR), 'validate', WATCHED_MODELS_FILE],
      { cwd: this.serviceDir, encoding: 'utf8', timeout: 60_000 },
    );
    if (result.status === 0) {
      this.log?.notice?.(`${WATCHED_MODELS_FILE} is valid`);
      return;
    }
    const output = [result.stderr, result.stdout]
      .filter((text) => text && text.trim() !== '')
      .join('\n')
      .trim();
    const reason = result.error
      ? `the validator could not run: ${result.error.message}`
      : output || `the validator exited with code ${result.status}`;
    throw new this.serverless.classes.Error(
      `${WATCHED_MODELS_FILE} is not valid, so nothing was packaged. Fix it and run again.\n` +
        `(checked: ${file})\n${reason}`,
    );
  }
}

module.exports = ValidateWatchedModelsPlugin;
