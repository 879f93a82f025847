/**
 * The SQS event Lambda's event source mapping delivers to a function: one record per message,
 * in the shape of @types/aws-lambda's SQSEvent, as Lambda writes it (attributes as strings).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { SentMessage } from './sqs-endpoint.ts';

const QUEUE_ARN = 'arn:aws:sqs:us-east-1:123456789012:bedrock-access-monitor-work';

/** The record of `message` on its `receiveCount`-th delivery (1 for the first). */
export function sqsRecord(message: SentMessage, receiveCount = 1): SQSRecord {
  return {
    messageId: message.messageId,
    receiptHandle: randomUUID(),
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: String(message.sentAtMs),
      SenderId: 'AROASIMULATOR:planner',
      ApproximateFirstReceiveTimestamp: String(message.sentAtMs),
    },
    messageAttributes: {},
    md5OfBody: createHash('md5').update(message.body).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: QUEUE_ARN,
    awsRegion: 'us-east-1',
  };
}

export function sqsEvent(records: readonly SQSRecord[]): SQSEvent {
  return { Records: [...records] };
}
