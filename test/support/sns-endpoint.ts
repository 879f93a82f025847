/**
 * A local stand-in for Amazon SNS, just enough for Publish: the awsQuery protocol as
 * @aws-sdk/client-sns sends it (a form-encoded POST to `/`, `Action=Publish&Version=2010-03-31&...`,
 * attributes as `MessageAttributes.entry.N.Name` / `.Value.DataType` / `.Value.StringValue`), and
 * the XML SNS answers with, so the unmodified SDK raises its named exceptions. Tests point the SDK
 * here with AWS_ENDPOINT_URL_SNS.
 *
 * It enforces the rules SNS applies to a Publish (Subject, json structure, message size,
 * attributes, known topic) and refuses as SNS does, so a notification that passes here is one SNS
 * would take. Signatures are not checked; their presence is.
 */

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startLocalEndpoint } from './local-endpoint.ts';

const XMLNS = 'http://sns.amazonaws.com/doc/2010-03-31/';
const API_VERSION = '2010-03-31';
/** 256 KiB: message, subject and every attribute name, type and value together. */
export const SNS_MAX_MESSAGE_BYTES = 262_144;
/** A 256 KiB message percent-encodes to at most three times its size; anything larger is not SNS traffic. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

/**
 * Error codes SNS answers Publish with (the awsQueryError codes of the SNS model), and their status.
 * The SDK turns each into an exception named after the shape: InvalidParameter into
 * InvalidParameterException, ParameterValueInvalid into InvalidParameterValueException, ...
 */
const ERROR_STATUS = {
  InvalidParameter: 400,
  ParameterValueInvalid: 400,
  NotFound: 404,
  AuthorizationError: 403,
  InvalidSecurity: 403,
  Throttled: 429,
  InternalError: 500,
  KMSAccessDenied: 400,
  KMSDisabled: 400,
  KMSInvalidState: 400,
  KMSNotFound: 400,
  KMSThrottling: 400,
  KMSOptInRequired: 403,
  // Not in the model: the generic Query API answers, which the SDK raises under the code's name.
  MissingAuthenticationToken: 403,
  InvalidAction: 400,
} as const;
export type SnsErrorCode = keyof typeof ERROR_STATUS;

export interface PublishedAttribute {
  DataType: string;
  StringValue?: string;
  BinaryValue?: string;
}

/** One Publish that SNS would have accepted, decoded. */
export interface PublishedMessage {
  messageId: string;
  topicArn: string;
  subject: string | null;
  message: string;
  messageStructure: string | null;
  /** Keyed by attribute name, in the shape of the SDK's MessageAttributes input. */
  attributes: Record<string, PublishedAttribute>;
}

export interface SnsEndpoint {
  /** `http://127.0.0.1:port`, the value for AWS_ENDPOINT_URL_SNS. */
  url: string;
  /** Every accepted Publish, oldest first. */
  published: PublishedMessage[];
  /**
   * The next `count` requests fail with `code` (InternalError by default). Each HTTP request
   * counts, so the SDK's own retries use them up too (3 attempts by default).
   */
  failNext(count: number, code?: SnsErrorCode): void;
  /** While down, every request gets 500 InternalError. */
  setDown(down: boolean): void;
  /** Stops listening and ends keep-alive sockets. */
  close(): Promise<void>;
}

interface SnsRefusal {
  code: SnsErrorCode;
  message: string;
}

class Refused extends Error {
  constructor(
    readonly code: SnsErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Starts the stand-in for the given topics on 127.0.0.1 and a free port. */
export async function startSnsEndpoint(options: {
  topics: readonly string[];
}): Promise<SnsEndpoint> {
  const topics = new Set(options.topics);
  const published: PublishedMessage[] = [];
  let failures: { remaining: number; code: SnsErrorCode } = { remaining: 0, code: 'InternalError' };
  let down = false;

  function answer(
    request: IncomingMessage,
    response: ServerResponse,
    body: string,
    requestId: string,
  ): void {
    if (down) {
      sendError(response, requestId, { code: 'InternalError', message: 'Internal Error' });
      return;
    }
    if (failures.remaining > 0) {
      failures.remaining -= 1;
      sendError(response, requestId, {
        code: failures.code,
        message: `Injected ${failures.code} by the test`,
      });
      return;
    }
    try {
      const accepted = acceptPublish(request, body, topics);
      published.push(accepted);
      sendXml(
        response,
        200,
        requestId,
        `<PublishResponse xmlns="${XMLNS}"><PublishResult><MessageId>${accepted.messageId}</MessageId></PublishResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></PublishResponse>`,
      );
    } catch (error) {
      if (error instanceof Refused) {
        sendError(response, requestId, { code: error.code, message: error.message });
      } else {
        sendError(response, requestId, { code: 'InternalError', message: String(error) });
      }
    }
  }

  const endpoint = await startLocalEndpoint(answer, MAX_BODY_BYTES);

  return {
    url: endpoint.url,
    published,
    failNext(count, code = 'InternalError') {
      failures = { remaining: count, code };
    },
    setDown(value) {
      down = value;
    },
    close: () => endpoint.close(),
  };
}

/** Decodes one request and applies SNS's rules; throws Refused where SNS would refuse. */
function acceptPublish(
  request: IncomingMessage,
  body: string,
  topics: ReadonlySet<string>,
): PublishedMessage {
  if (request.method !== 'POST' || !request.headers.authorization) {
    throw new Refused('MissingAuthenticationToken', 'Request is missing Authentication Token');
  }
  const form = new URLSearchParams(body);
  const action = form.get('Action');
  if (action !== 'Publish' || form.get('Version') !== API_VERSION) {
    // This stand-in knows Publish only.
    throw new Refused(
      'InvalidAction',
      `Could not find operation ${action} for version ${form.get('Version')}`,
    );
  }

  const topicArn = form.get('TopicArn');
  if (!topicArn) {
    throw new Refused(
      'InvalidParameter',
      'Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter',
    );
  }
  const message = form.get('Message');
  if (message === null || message === '') {
    throw new Refused('InvalidParameter', 'Invalid parameter: Empty message');
  }
  const subject = form.get('Subject');
  if (subject !== null) checkSubject(subject);
  const messageStructure = form.get('MessageStructure');
  if (messageStructure !== null) checkStructure(messageStructure, message);
  const attributes = decodeAttributes(form);

  const size =
    byteLength(message) +
    byteLength(subject ?? '') +
    Object.entries(attributes).reduce(
      (sum, [name, value]) =>
        sum +
        byteLength(name) +
        byteLength(value.DataType) +
        byteLength(value.StringValue ?? '') +
        Buffer.from(value.BinaryValue ?? '', 'base64').length,
      0,
    );
  if (size > SNS_MAX_MESSAGE_BYTES) {
    throw new Refused('InvalidParameter', 'Invalid parameter: Message too long');
  }

  if (!topics.has(topicArn)) throw new Refused('NotFound', 'Topic does not exist');

  return {
    messageId: randomUUID(),
    topicArn,
    subject,
    message,
    messageStructure,
    attributes,
  };
}

/**
 * SNS: ASCII text beginning with a letter, number or punctuation mark, no line breaks or control
 * characters, fewer than 100 characters. (The current API reference says "UTF-8 text"; DESIGN.md
 * keeps to ASCII, and so does this stand-in, so our Subject passes both readings.)
 */
function checkSubject(subject: string): void {
  if (subject.length === 0 || subject.length >= 100 || !/^[\x21-\x7e][\x20-\x7e]*$/.test(subject)) {
    throw new Refused('InvalidParameter', 'Invalid parameter: Subject');
  }
}

/** With `json`, the message is a JSON object with a string `default`, and every value a string. */
function checkStructure(structure: string, message: string): void {
  if (structure !== 'json') {
    throw new Refused('InvalidParameter', 'Invalid parameter: MessageStructure');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    throw new Refused(
      'InvalidParameter',
      'Invalid parameter: Message Structure - JSON message body failed to parse',
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Refused(
      'InvalidParameter',
      'Invalid parameter: Message Structure - JSON message body failed to parse',
    );
  }
  const bodies = parsed as Record<string, unknown>;
  if (!Object.hasOwn(bodies, 'default')) {
    throw new Refused(
      'InvalidParameter',
      'Invalid parameter: Message Structure - No default entry in JSON message body',
    );
  }
  // SNS ignores a non-string body of an unknown protocol but refuses a non-string `default`; this
  // stand-in is stricter and refuses any non-string body, which would never reach its subscriber.
  for (const [protocol, value] of Object.entries(bodies)) {
    if (typeof value !== 'string') {
      throw new Refused(
        'InvalidParameter',
        `Invalid parameter: Message Structure - the value of ${protocol} is not a string`,
      );
    }
  }
}

const DATA_TYPE = /^(String|Number|Binary|String\.Array)(\.[A-Za-z0-9_.-]+)?$/;
const ATTRIBUTE_NAME = /^(?!\.)(?!.*\.\.)(?!.*\.$)(?!(?:AWS|Amazon)\.)[A-Za-z0-9_.-]{1,256}$/i;

/** `MessageAttributes.entry.N.{Name,Value.DataType,Value.StringValue,Value.BinaryValue}`. */
function decodeAttributes(form: URLSearchParams): Record<string, PublishedAttribute> {
  const entries = new Map<string, Partial<PublishedAttribute> & { name?: string }>();
  for (const [key, value] of form) {
    const match =
      /^MessageAttributes\.entry\.(\d+)\.(Name|Value\.DataType|Value\.StringValue|Value\.BinaryValue)$/.exec(
        key,
      );
    if (!match) continue;
    const [, index = '', field] = match;
    const entry = entries.get(index) ?? {};
    if (field === 'Name') entry.name = value;
    else if (field === 'Value.DataType') entry.DataType = value;
    else if (field === 'Value.StringValue') entry.StringValue = value;
    else entry.BinaryValue = value;
    entries.set(index, entry);
  }

  const attributes: Record<string, PublishedAttribute> = {};
  for (const { name, DataType, StringValue, BinaryValue } of entries.values()) {
    if (!name || !ATTRIBUTE_NAME.test(name)) {
      throw new Refused(
        'ParameterValueInvalid',
        `The message attribute name '${name ?? ''}' is invalid.`,
      );
    }
    if (Object.hasOwn(attributes, name)) {
      throw new Refused('ParameterValueInvalid', `Message attribute name '${name}' is duplicated.`);
    }
    if (!DataType) {
      throw new Refused(
        'ParameterValueInvalid',
        `The message attribute '${name}' must contain non-empty message attribute type.`,
      );
    }
    if (!DATA_TYPE.test(DataType)) {
      throw new Refused(
        'ParameterValueInvalid',
        `The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`,
      );
    }
    const binary = DataType.startsWith('Binary');
    const value = binary ? BinaryValue : StringValue;
    if (!value) {
      throw new Refused(
        'ParameterValueInvalid',
        `The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${DataType}'.`,
      );
    }
    attributes[name] = binary ? { DataType, BinaryValue: value } : { DataType, StringValue: value };
  }
  return attributes;
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

function sendError(response: ServerResponse, requestId: string, refusal: SnsRefusal): void {
  const status = ERROR_STATUS[refusal.code];
  const type = status >= 500 ? 'Receiver' : 'Sender';
  sendXml(
    response,
    status,
    requestId,
    `<ErrorResponse xmlns="${XMLNS}"><Error><Type>${type}</Type><Code>${refusal.code}</Code><Message>${escapeXml(refusal.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
  );
}

function sendXml(response: ServerResponse, status: number, requestId: string, xml: string): void {
  if (response.destroyed) return;
  const body = `<?xml version="1.0"?>\n${xml}`;
  response.writeHead(status, {
    'content-type': 'text/xml',
    'x-amzn-RequestId': requestId,
    'content-length': Buffer.byteLength(body),
  });
  response.end(body);
}

function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
