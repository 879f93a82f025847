/**
 * Puts one work message per account on the queue with SendMessageBatch, 10 entries a call (the
 * most SQS takes). SQS may refuse some entries of a batch that it otherwise accepts (`Failed`);
 * those that are not the sender's fault are sent again, a few rounds with a growing pause. What
 * is still not on the queue after that fails the run loudly (EnqueueError): an account left
 * out would silently go unchecked.
 */
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { describeError, EnqueueError } from '../errors.ts';

export const SEND_MESSAGE_BATCH_MAX_ENTRIES = 10;

/** One message to send; `id` (the account id) is the batch entry id. */
export interface OutgoingMessage {
  id: string;
  body: string;
}

export interface EnqueueOptions {
  /** Rounds of sending, the first included. */
  rounds?: number;
  /** The pause before round `round` (2, 3, ...), in whole milliseconds. */
  pauseMs?: (round: number) => number;
}

export interface EnqueueReport {
  sent: number;
  /** SendMessageBatch calls made. */
  calls: number;
  /** Entries sent again after SQS refused them. */
  resent: number;
}

const DEFAULT_ROUNDS = 4;
const defaultPause = (round: number) => 100 * 2 ** (round - 2);

export async function enqueueWork(
  client: SQSClient,
  queueUrl: string,
  messages: readonly OutgoingMessage[],
  options: EnqueueOptions = {},
): Promise<EnqueueReport> {
  const rounds = options.rounds ?? DEFAULT_ROUNDS;
  const pauseMs = options.pauseMs ?? defaultPause;
  const report: EnqueueReport = { sent: 0, calls: 0, resent: 0 };
  const refused = new Map<string, string>();
  const delivered = new Set<string>();
  let pending = [...messages];
  for (let round = 1; pending.length > 0 && round <= rounds; round++) {
    if (round > 1) {
      report.resent += pending.length;
      await new Promise((resolve) => setTimeout(resolve, pauseMs(round)));
    }
    const retry: OutgoingMessage[] = [];
    for (let start = 0; start < pending.length; start += SEND_MESSAGE_BATCH_MAX_ENTRIES) {
      const batch = pending.slice(start, start + SEND_MESSAGE_BATCH_MAX_ENTRIES);
      report.calls += 1;
      const outcome = await sendBatch(client, queueUrl, batch);
      for (const id of outcome.sent) delivered.add(id);
      report.sent += outcome.sent.length;
      for (const failure of outcome.failed) {
        const message = batch.find((candidate) => candidate.id === failure.id);
        refused.set(failure.id, failure.reason);
        if (message !== undefined && failure.retry) retry.push(message);
      }
    }
    pending = retry;
  }
  const missing = messages.filter((message) => !delivered.has(message.id));
  if (missing.length > 0) {
    const accounts = missing.map((message) => message.id);
    const reasons = [...new Set(accounts.map((id) => refused.get(id)))].join('; ');
    throw new EnqueueError(
      `${accounts.length} of ${messages.length} accounts could not be put on the work queue after ${rounds} rounds (${reasons}); they are not checked this period: ${accounts.join(', ')}.`,
      accounts,
    );
  }
  return report;
}

async function sendBatch(
  client: SQSClient,
  queueUrl: string,
  batch: readonly OutgoingMessage[],
): Promise<{ sent: string[]; failed: Array<{ id: string; reason: string; retry: boolean }> }> {
  try {
    const answer = await client.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: batch.map((message) => ({ Id: message.id, MessageBody: message.body })),
      }),
    );
    const failed = (answer.Failed ?? []).map((entry) => ({
      id: entry.Id ?? '',
      reason: `${entry.Code ?? 'refused'}${entry.Message ? `: ${entry.Message}` : ''}`,
      retry: entry.SenderFault !== true,
    }));
    const sent = (answer.Successful ?? []).flatMap((entry) => (entry.Id ? [entry.Id] : []));
    return { sent, failed };
  } catch (error) {
    if (error instanceof TypeError || error instanceof RangeError) throw error;
    const reason = describeError(error);
    return { sent: [], failed: batch.map((message) => ({ id: message.id, reason, retry: true })) };
  }
}
