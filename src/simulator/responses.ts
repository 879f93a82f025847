/**
 * HTTP answers as plain values, so operation handlers stay free of node:http. The server adds
 * the headers every answer carries (x-amzn-RequestId, Date, Content-Length).
 */
import type { SimulatedError } from './aws-errors.ts';

export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function jsonAnswer(body: unknown, status = 200): HttpAnswer {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/** A success whose body is given verbatim, for malformed answers. */
export function rawJsonAnswer(body: string, status = 200): HttpAnswer {
  return { status, headers: { 'content-type': 'application/json' }, body };
}

/** REST-JSON error: the type in `x-amzn-ErrorType`, the message in the body. */
export function restJsonErrorAnswer(error: SimulatedError): HttpAnswer {
  return {
    status: error.status,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': error.name },
    body: JSON.stringify({ message: error.message }),
  };
}

export function xmlAnswer(xml: string, status = 200): HttpAnswer {
  return { status, headers: { 'content-type': 'text/xml' }, body: xml };
}

export function escapeXml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}
