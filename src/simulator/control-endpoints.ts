/**
 * Endpoints that drive the simulator over HTTP (for the demo, or a process that did not start
 * it). They live under `/_simulator/`, outside the Bedrock path space, and need no signature.
 *
 *   POST /_simulator/tick            advance one tick (`?by=n` for n, `?to=n` to set)
 *   GET  /_simulator/stats           the stats as JSON
 *   POST /_simulator/stats/reset     zero the stats
 */
import { type HttpAnswer, jsonAnswer } from './responses.ts';
import type { BedrockSimulator } from './simulator.ts';

export const CONTROL_PREFIX = '/_simulator/';

function readTick(value: string | null): number | undefined {
  if (value === null) return undefined;
  return /^\d+$/.test(value) ? Number(value) : Number.NaN;
}

export function answerControl(simulator: BedrockSimulator, method: string, url: URL): HttpAnswer {
  const route = `${method} ${url.pathname}`;
  if (route === 'POST /_simulator/tick') {
    const to = readTick(url.searchParams.get('to'));
    const by = readTick(url.searchParams.get('by'));
    if (Number.isNaN(to) || Number.isNaN(by)) {
      return jsonAnswer({ message: 'to and by must be non-negative integers' }, 400);
    }
    if (to !== undefined) simulator.setTick(to);
    else simulator.tick(by ?? 1);
    return jsonAnswer(simulator.now());
  }
  if (route === 'GET /_simulator/stats') return jsonAnswer(simulator.stats());
  if (route === 'POST /_simulator/stats/reset') {
    simulator.resetStats();
    return jsonAnswer(simulator.stats());
  }
  return jsonAnswer({ message: `No simulator endpoint ${route}` }, 404);
}
