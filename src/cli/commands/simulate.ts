import { once } from 'node:events';
import { EXAMPLE_SCENARIO_PATH, loadScenario, startSimulator } from '../../simulator/index.ts';
import { type CliIo, EXIT } from '../cli-io.ts';
import { rethrowAsFileProblem, rethrowAsPortProblem } from '../local-resources.ts';
import { parseIntegerOption, parseOptions } from '../parse-options.ts';

export const SIMULATE_HELP = `Usage: bedrock-access-monitor simulate [options]

Runs the Bedrock simulator alone until Ctrl-C, so you can point the monitor (or any AWS SDK
or the AWS CLI) at it. One port speaks the Bedrock control plane (GetFoundationModelAvailability,
ListFoundationModels, GetFoundationModel, the agreement operations, GetUseCaseForModelAccess),
Bedrock Runtime Converse (HTTP/2) and STS GetCallerIdentity; any fake credentials work.

Options:
  --scenario FILE   the scenario to play (default: the bundled, commented example)
  --port N          port on 127.0.0.1 (default: 0, any free port)
  -h, --help        show this help

Time moves by ticks: POST /_simulator/tick advances one; GET /_simulator/stats shows counts.`;

const HOST = '127.0.0.1';

/** `simulate`: the simulator as a standalone local endpoint. */
export async function simulateCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseOptions('simulate', args, {
    scenario: { type: 'string' },
    port: { type: 'string' },
  });
  if (values.help) {
    io.out(SIMULATE_HELP);
    return EXIT.ok;
  }
  const port = parseIntegerOption('port', values.port, 0, 0, 65535);
  const scenarioPath = values.scenario ?? EXAMPLE_SCENARIO_PATH;
  const scenario = await loadScenario(scenarioPath).catch((error: unknown) =>
    rethrowAsFileProblem(error, {
      what: 'scenario file',
      path: scenarioPath,
      instead: 'give the path of a scenario file, or leave out --scenario for the bundled example',
    }),
  );
  const simulator = await startSimulator({ scenario, port, host: HOST }).catch((error: unknown) =>
    rethrowAsPortProblem(error, HOST, port),
  );
  io.out(
    [
      `Bedrock simulator listening on ${simulator.url} (scenario ${scenarioPath}).`,
      'Point the monitor at it from another shell:',
      `  export AWS_ENDPOINT_URL_BEDROCK=${simulator.url} AWS_ENDPOINT_URL_BEDROCK_RUNTIME=${simulator.url} AWS_ENDPOINT_URL_STS=${simulator.url}`,
      '  export AWS_ACCESS_KEY_ID=AKIAEXAMPLE AWS_SECRET_ACCESS_KEY=example AWS_REGION=us-east-1',
      '  npx bedrock-access-monitor check',
      `Advance time: curl -X POST ${simulator.url}/_simulator/tick    Stop: Ctrl-C`,
    ].join('\n'),
  );
  await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
  await simulator.close();
  return EXIT.ok;
}
