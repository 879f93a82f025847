/**
 * The worker's memorySize as organization mode deploys it: serverless/organization-mode.cjs
 * adds the checkAccount function to the service, so the plugin is applied here to a service of
 * the shape it reads (its config with `accounts`), and the function it adds is asked; without a
 * memorySize of its own the provider's applies, as the framework does.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from './fixtures.ts';

interface PluginService {
  service: string;
  provider: { stage: string; iam: { role: { statements: unknown[] } } };
  custom: { settings: { schedulePeriodSeconds: number; workerMaximumConcurrency: number } };
  resources: { Resources: Record<string, unknown> };
  functions: Record<string, { memorySize?: number; environment?: Record<string, unknown> }>;
}

type OrganizationModePlugin = new (serverless: {
  serviceDir: string;
  service: PluginService;
}) => { apply(): void };

export async function workerMemorySizeMb(providerMemorySizeMb: number): Promise<number> {
  const Plugin = createRequire(import.meta.url)(
    join(PROJECT_ROOT, 'serverless/organization-mode.cjs'),
  ) as OrganizationModePlugin;
  const serviceDir = await mkdtemp(join(tmpdir(), 'bench-organization-mode-'));
  try {
    await mkdir(join(serviceDir, 'config'));
    await writeFile(
      join(serviceDir, 'config/watched-models.yml'),
      'regions: [us-east-1]\nmodels:\n  - id: bench.model-01-v1:0\naccounts:\n  roleName: bedrock-access-monitor-read\n  organization: {}\n',
    );
    const service: PluginService = {
      service: 'bedrock-access-monitor',
      provider: { stage: 'prod', iam: { role: { statements: [] } } },
      custom: { settings: { schedulePeriodSeconds: 300, workerMaximumConcurrency: 10 } },
      resources: { Resources: {} },
      functions: {
        monitor: { environment: { STATE_TABLE_NAME: 'state', ALERT_TOPIC_ARN: 'topic' } },
      },
    };
    new Plugin({ serviceDir, service }).apply();
    const worker = service.functions.checkAccount;
    if (worker === undefined) {
      throw new Error('serverless/organization-mode.cjs added no checkAccount function to read');
    }
    return worker.memorySize ?? providerMemorySizeMb;
  } finally {
    await rm(serviceDir, { recursive: true, force: true });
  }
}
