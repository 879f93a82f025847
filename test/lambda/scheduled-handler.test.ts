import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvironmentError } from '../../src/errors.ts';
import { createScheduledHandler } from '../../src/lambda/create-scheduled-handler.ts';
import { temporaryDirectory } from '../support/fixtures.ts';
import { lambdaContext } from '../support/lambda-context.ts';

const quiet = { info: () => {}, warn: () => {}, error: () => {} };
const metrics = { addMetric: () => {}, publishStoredMetrics: () => {} };

describe('the scheduled handler', () => {
  it('refuses to run a config with "accounts" without the work queue, rather than watch only its own account', async () => {
    const dir = await temporaryDirectory();
    const file = join(dir.path, 'watched-models.yml');
    await writeFile(
      file,
      'regions: [us-east-1]\nmodels: [{ id: amazon.nova-pro-v1:0 }]\naccounts:\n  roleName: r\n  ids: ["111111111111"]\n',
    );
    const handler = createScheduledHandler({
      environment: {
        stateTableName: 'bedrock-access-monitor-dev-state',
        alertTopicArn: 'arn:aws:sns:us-east-1:123456789012:alerts',
        watchedModelsFile: file,
        historyTtlDays: 90,
        eventBusName: undefined,
        workQueueUrl: undefined,
        schedulePeriodMs: undefined,
      },
      log: quiet,
      metrics,
    });

    const run = handler({}, lambdaContext());

    await expect(run).rejects.toBeInstanceOf(EnvironmentError);
    await expect(run).rejects.toThrow(/WORK_QUEUE_URL/);
    await dir.remove();
  });
});
