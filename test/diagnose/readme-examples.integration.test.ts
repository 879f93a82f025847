import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createRequestCommand } from '../../src/cli/commands/request.ts';
import { EXAMPLE_SCENARIO_PATH } from '../../src/simulator/index.ts';
import { manualClock } from '../simulator/sim-harness.ts';
import { runCli } from '../support/cli-harness.ts';
import { docCommandOutput } from '../support/doc-examples.ts';
import { capturedIo, simulatedAws } from './simulated-cli.ts';

const DOC = 'docs/troubleshooting-access-denied.md';
const SONNET = 'anthropic.claude-3-sonnet-20240229-v1:0';

describe('the examples of the troubleshooting page', () => {
  it('show what diagnose prints against the bundled scenario', async () => {
    await simulatedAws(await readFile(EXAMPLE_SCENARIO_PATH, 'utf8'));

    const result = await runCli(['diagnose', SONNET, '--region', 'us-east-1']);

    expect(result.code).toBe(4);
    expect(result.stdout).toBe(
      await docCommandOutput(
        DOC,
        `npx bedrock-access-monitor diagnose ${SONNET} --region us-east-1`,
      ),
    );
  });

  it('show what request --yes prints against the bundled scenario', async () => {
    const clock = manualClock();
    await simulatedAws(await readFile(EXAMPLE_SCENARIO_PATH, 'utf8'), clock.now);
    const io = capturedIo();
    const request = createRequestCommand({
      now: clock.now,
      sleep: async (ms) => clock.advanceSeconds(ms / 1000),
    });

    const code = await request([SONNET, '--region', 'us-east-1', '--yes'], io);

    expect(code).toBe(0);
    expect(io.stdout.join('\n')).toBe(
      await docCommandOutput(
        DOC,
        `npx bedrock-access-monitor request ${SONNET} --region us-east-1 --yes`,
      ),
    );
  });
});
