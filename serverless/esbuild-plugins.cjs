'use strict';

// esbuild plugins for serverless-esbuild (custom.esbuild.plugins in serverless.yml).
//
// watched-models-as-data: config/watched-models.yml enters the bundle as the config it holds,
// validated by the project's own validator (src/config/watched-models-module.ts, compiled on
// the fly by tsx's require), so the function needs neither a YAML parser nor the validator to start.
// validate-watched-models.cjs refuses a bad file before this runs; the same problems are
// reported here too, should the bundle be built some other way.

const { readFile } = require('node:fs/promises');
const path = require('node:path');
// tsx's CommonJS API, which compiles the module for require(). require('tsx/esm/api') fails on
// Node 20 (it imports a file tsx does not ship), and this file is CommonJS.
const tsx = require('tsx/cjs/api');

const SERVICE_DIR = path.resolve(__dirname, '..');
const WATCHED_MODELS_MODULE = path.join(SERVICE_DIR, 'src/config/watched-models-module.ts');

const watchedModelsAsData = {
  name: 'watched-models-as-data',
  setup(build) {
    build.onLoad({ filter: /[\\/]watched-models\.yml$/ }, async (args) => {
      const { watchedModelsModule } = tsx.require(WATCHED_MODELS_MODULE, __filename);
      const file = path.relative(SERVICE_DIR, args.path);
      const result = watchedModelsModule(await readFile(args.path, 'utf8'), file);
      if (result.ok) return { contents: result.code, loader: 'js', watchFiles: [args.path] };
      return {
        errors: result.problems.map((problem) => ({
          text: problem.message,
          location:
            problem.line > 0 ? { file, line: problem.line, column: problem.column - 1 } : null,
        })),
        watchFiles: [args.path],
      };
    });
  },
};

module.exports = [watchedModelsAsData];
