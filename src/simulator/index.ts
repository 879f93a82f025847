/** The Bedrock simulator's public surface. */
import { fileURLToPath } from 'node:url';

export type { ConverseErrorName, InvokePreset } from './invoke-outcomes.ts';
export { CONVERSE_ERROR_NAMES, INVOKE_PRESETS } from './invoke-outcomes.ts';
export type { Scenario, ScenarioIssue } from './scenario.ts';
export { loadScenario, parseScenario, ScenarioError } from './scenario.ts';
export type { RunningSimulator, SimulatorOptions } from './server.ts';
export { startSimulator } from './server.ts';
export { UNSIGNED_REGION } from './simulator.ts';
export type { AnswerCounts, OperationName, SimulatorStats } from './stats.ts';

/** The bundled, commented example scenario (the `demo` command's default). */
export const EXAMPLE_SCENARIO_PATH = fileURLToPath(
  new URL('./scenarios/example.yml', import.meta.url),
);
