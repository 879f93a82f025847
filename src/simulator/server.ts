/**
 * Puts the simulator on a local HTTP/1.1 port, so the unmodified AWS SDK reaches it through
 * AWS_ENDPOINT_URL_BEDROCK / AWS_ENDPOINT_URL_STS.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simulatorFailure } from './aws-errors.ts';
import { answerControl, CONTROL_PREFIX } from './control-endpoints.ts';
import { type HttpAnswer, restJsonErrorAnswer } from './responses.ts';
import type { Scenario } from './scenario.ts';
import { BedrockSimulator } from './simulator.ts';
import type { SimulatorStats } from './stats.ts';

export interface SimulatorOptions {
  scenario: Scenario;
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Milliseconds, like Date.now (the default); drives afterSeconds, windows and rate limits. */
  clock?: () => number;
}

export interface RunningSimulator {
  /** `http://host:port`, the value for AWS_ENDPOINT_URL_BEDROCK and AWS_ENDPOINT_URL_STS. */
  url: string;
  port: number;
  /** Advances one tick; returns the new tick. */
  tick(): number;
  setTick(tick: number): void;
  stats(): SimulatorStats;
  resetStats(): void;
  /** Stops listening, ends keep-alive sockets and pending delayed answers. */
  close(): Promise<void>;
}

/** Bodies here are tiny form posts; anything larger is not an SDK talking. */
const MAX_BODY_BYTES = 1024 * 1024;

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        request.destroy();
        reject(new Error('request body too large'));
      } else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, answer: HttpAnswer, requestId: string): void {
  if (response.destroyed) return;
  response.writeHead(answer.status, {
    ...answer.headers,
    'x-amzn-RequestId': requestId,
    'content-length': Buffer.byteLength(answer.body),
  });
  response.end(answer.body);
}

/** Starts a simulator for `scenario` and resolves once it listens. */
export async function startSimulator(options: SimulatorOptions): Promise<RunningSimulator> {
  const { scenario, port = 0, host = '127.0.0.1', clock } = options;
  const simulator = new BedrockSimulator(scenario, clock);
  // Delayed answers wait here, so close() can release them instead of keeping the process alive.
  const pendingDelays = new Map<NodeJS.Timeout, () => void>();

  const delay = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        pendingDelays.delete(timer);
        resolve();
      }, ms);
      pendingDelays.set(timer, resolve);
    });

  const serve = async (request: IncomingMessage, response: ServerResponse) => {
    const requestId = randomUUID();
    try {
      const body = await readBody(request);
      const method = request.method ?? 'GET';
      const url = request.url ?? '/';
      if (url.startsWith(CONTROL_PREFIX)) {
        send(
          response,
          answerControl(simulator, method, new URL(url, 'http://simulator.invalid')),
          requestId,
        );
        return;
      }
      const reply = simulator.handle({ method, url, headers: request.headers, body, requestId });
      if (reply.delayMs > 0) await delay(reply.delayMs);
      send(response, reply.answer, requestId);
    } catch (error) {
      send(response, restJsonErrorAnswer(simulatorFailure(error)), requestId);
    }
  };

  const server = createServer((request, response) => void serve(request, response));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port: boundPort } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${boundPort}`,
    port: boundPort,
    tick: () => simulator.tick(),
    setTick: (tick) => simulator.setTick(tick),
    stats: () => simulator.stats(),
    resetStats: () => simulator.resetStats(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
        for (const [timer, release] of pendingDelays) {
          clearTimeout(timer);
          release();
        }
        pendingDelays.clear();
      }),
  };
}
