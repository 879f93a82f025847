import { loadLambdaConfig } from '../config/bundled-config.ts';
import { EnvironmentError } from '../errors.ts';
import type { RunSummary } from '../monitor/run-summary.ts';
import type { PlanSummary } from '../organization/plan-run.ts';
import {
  createMonitorHandler,
  type MonitorContext,
  type MonitorHandlerOptions,
} from './create-monitor-handler.ts';
import type { PlannerHandlerOptions } from './create-planner-handler.ts';

export type ScheduledHandler = (
  event: unknown,
  context: MonitorContext,
) => Promise<RunSummary | PlanSummary>;

/**
 * The scheduled function: one monitoring run of its own account, or, in organization mode
 * (the stack sets WORK_QUEUE_URL when the packaged config has `accounts`), the planner. The
 * planner's code is loaded only in organization mode, so a single account's cold start does
 * not pay for it.
 */
export function createScheduledHandler(
  options: MonitorHandlerOptions & Pick<PlannerHandlerOptions, 'organizations' | 'sqs' | 'enqueue'>,
): ScheduledHandler {
  const { workQueueUrl } = options.environment;
  if (workQueueUrl === undefined) {
    const monitor = createMonitorHandler(options);
    let checked = false;
    return async (event, context) => {
      if (!checked) {
        // A config that cannot be read is the monitor's to report, as it always has.
        const config = await loadLambdaConfig(options.environment.watchedModelsFile).catch(
          () => undefined,
        );
        if (config?.accounts !== undefined) {
          throw new EnvironmentError(
            'The config has "accounts" (organization mode) but the function has no WORK_QUEUE_URL: package and deploy the stack with this config, so that it creates the work queue.',
          );
        }
        checked = true;
      }
      return monitor(event, context);
    };
  }
  const environment = { ...options.environment, workQueueUrl };
  const planner = import('./create-planner-handler.ts').then(({ createPlannerHandler }) =>
    createPlannerHandler({
      environment,
      loadConfig: () => loadLambdaConfig(options.environment.watchedModelsFile),
      log: options.log,
      ...(options.now === undefined ? {} : { now: options.now }),
      ...(options.organizations === undefined ? {} : { organizations: options.organizations }),
      ...(options.sqs === undefined ? {} : { sqs: options.sqs }),
      ...(options.enqueue === undefined ? {} : { enqueue: options.enqueue }),
    }),
  );
  return async (event) => (await planner)(event);
}
