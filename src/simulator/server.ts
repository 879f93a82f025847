/**
 * Puts the simulator on one local port that speaks HTTP/1.1 and cleartext HTTP/2, so the
 * unmodified AWS SDK clients reach it through AWS_ENDPOINT_URL_BEDROCK,
 * AWS_ENDPOINT_URL_BEDROCK_RUNTIME, AWS_ENDPOINT_URL_STS and AWS_ENDPOINT_URL_ORGANIZATIONS, all
 * set to the same URL.
 */

import { randomUUID } from 'node:crypto';
import { Http2ServerResponse } from 'node:http2';
import { simulatorFailure } from './aws-errors.ts';
import { answerControl, CONTROL_PREFIX } from './control-endpoints.ts';
import {
  type AnyRequest,
  type AnyResponse,
  isGone,
  listenDualProtocol,
} from './dual-protocol-listener.ts';
import { readBody } from './read-body.ts';
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
  /**
   * `http://host:port`, the value for AWS_ENDPOINT_URL_BEDROCK, AWS_ENDPOINT_URL_BEDROCK_RUNTIME
   * and AWS_ENDPOINT_URL_STS: the port speaks HTTP/1.1 (control plane, STS) and cleartext
   * HTTP/2 (the runtime client) alike.
   */
  url: string;
  /** The same URL under the three standard variable names, ready to spread into an env. */
  endpointEnv: Record<
    | 'AWS_ENDPOINT_URL_BEDROCK'
    | 'AWS_ENDPOINT_URL_BEDROCK_RUNTIME'
    | 'AWS_ENDPOINT_URL_STS'
    | 'AWS_ENDPOINT_URL_ORGANIZATIONS',
    string
  >;
  port: number;
  /** Advances one tick; returns the new tick. */
  tick(): number;
  setTick(tick: number): void;
  stats(): SimulatorStats;
  resetStats(): void;
  /** Stops listening, ends keep-alive sockets and pending delayed answers. */
  close(): Promise<void>;
}

function send(response: AnyResponse, answer: HttpAnswer, requestId: string): void {
  if (isGone(response)) return;
  const headers = {
    ...answer.headers,
    'x-amzn-RequestId': requestId,
    'content-length': Buffer.byteLength(answer.body),
  };
  // The two protocols' writeHead overloads cannot be called through their union type.
  if (response instanceof Http2ServerResponse) response.writeHead(answer.status, headers);
  else response.writeHead(answer.status, headers);
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

  const serve = async (request: AnyRequest, response: AnyResponse) => {
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

  const listener = await listenDualProtocol(
    port,
    host,
    (request, response) => void serve(request, response),
  );
  const { port: boundPort } = listener.address();
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const url = `http://${urlHost}:${boundPort}`;

  return {
    url,
    endpointEnv: {
      AWS_ENDPOINT_URL_BEDROCK: url,
      AWS_ENDPOINT_URL_BEDROCK_RUNTIME: url,
      AWS_ENDPOINT_URL_STS: url,
      AWS_ENDPOINT_URL_ORGANIZATIONS: url,
    },
    port: boundPort,
    tick: () => simulator.tick(),
    setTick: (tick) => simulator.setTick(tick),
    stats: () => simulator.stats(),
    resetStats: () => simulator.resetStats(),
    close: async () => {
      const closed = listener.close();
      for (const [timer, release] of pendingDelays) {
        clearTimeout(timer);
        release();
      }
      pendingDelays.clear();
      await closed;
    },
  };
}
