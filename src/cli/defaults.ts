/** Defaults of the CLI, relative to the working directory; the README lists them. */
export const DEFAULT_CONFIG_PATH = 'config/watched-models.yml';
export const DEFAULT_STATE_PATH = '.bedrock-access-monitor/state.json';
export const DEFAULT_DEADLINE_SECONDS = 60;
export const DEFAULT_CONCURRENCY = 4;
export const DEFAULT_REQUEST_TIMEOUT_SECONDS = 10;
export const DEFAULT_MAX_ATTEMPTS = 5;
