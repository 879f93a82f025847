/**
 * The SNS notification of an account event, in the form of the transitions' (DESIGN.md,
 * "Notification"): a short ASCII Subject, `MessageStructure: json` with the event JSON, an
 * email text and an AWS Chatbot custom notification, and the attributes `kind` and `account`.
 */

import { formatTime } from '../notify/render-alert.ts';
import { CHATBOT_LIMITS, type ChatbotNotification } from '../notify/render-chatbot.ts';
import type { AccountEvent } from './account-event.ts';

const SUBJECT_LIMIT = 99;

/** `prod-ml (111111111111)`, or the id alone where Organizations gave no name. */
export function accountLabel(account: string, accountName: string | null): string {
  return accountName === null ? account : `${accountName} (${account})`;
}

function ascii(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?');
}

export function renderAccountSubject(event: AccountEvent): string {
  const state = event.kind === 'account-unreachable' ? 'unreachable' : 'reachable again';
  const subject = `Bedrock access monitor: account ${ascii(accountLabel(event.account, event.accountName))} ${state}`;
  return subject.length <= SUBJECT_LIMIT
    ? subject
    : `Bedrock access monitor: account ${event.account} ${state}`;
}

export function renderAccountEventJson(event: AccountEvent): string {
  return JSON.stringify({
    schema: event.schema,
    eventId: event.eventId,
    kind: event.kind,
    account: event.account,
    accountName: event.accountName,
    observedAt: event.observedAt,
    since: event.since,
    reason: event.reason,
  });
}

function nextStep(event: AccountEvent): string {
  return event.kind === 'account-unreachable'
    ? 'Deploy the member-role template to this account (docs/organization-mode.md), or check that its trust policy names the worker role and the external id matches. Until then its grants are not watched.'
    : 'Nothing to do: its grants are watched again from this period on.';
}

export function renderAccountEmail(event: AccountEvent): string {
  const label = accountLabel(event.account, event.accountName);
  const headline =
    event.kind === 'account-unreachable'
      ? `The monitor cannot check the Bedrock grants of account ${label}.`
      : `The monitor can check the Bedrock grants of account ${label} again.`;
  return [
    headline,
    '',
    `Account:  ${event.account}`,
    `Name:     ${event.accountName ?? '(not from AWS Organizations)'}`,
    `${event.kind === 'account-unreachable' ? 'Unreachable since' : 'Was unreachable since'}: ${formatTime(event.since)}`,
    `Observed: ${formatTime(event.observedAt)}`,
    `Reason:   ${event.reason}`,
    '',
    'What to do next:',
    `  ${nextStep(event)}`,
    '',
    `Event id: ${event.eventId}`,
  ].join('\n');
}

export function renderAccountChatbot(event: AccountEvent): ChatbotNotification {
  const label = accountLabel(event.account, event.accountName);
  const clip = (text: string, limit: number) =>
    text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
  const title =
    event.kind === 'account-unreachable'
      ? `⛔ Bedrock access monitor cannot reach account ${label}`
      : `✅ Bedrock access monitor reaches account ${label} again`;
  return {
    version: '1.0',
    source: 'custom',
    id: event.eventId,
    content: {
      textType: 'client-markdown',
      title: clip(title, CHATBOT_LIMITS.title),
      description: clip(
        [
          `Account \`${event.account}\`${event.accountName === null ? '' : ` (${event.accountName})`}`,
          `Since: ${formatTime(event.since)}`,
          `Reason: ${event.reason}`,
        ].join('\n'),
        CHATBOT_LIMITS.description,
      ),
      nextSteps: [clip(nextStep(event), CHATBOT_LIMITS.nextStep)],
      keywords: [event.kind, event.account],
    },
    metadata: {
      threadId: `bedrock-access-account-${event.account}`,
      summary: `Bedrock access monitor, account ${event.account}: ${event.kind}`,
      eventType: `bedrock-access-${event.kind}`,
      additionalContext: {
        kind: event.kind,
        account: event.account,
        observedAt: event.observedAt,
        eventId: event.eventId,
      },
    },
  };
}

/** The PublishCommand input for one account event, without the TopicArn. */
export function renderAccountNotification(event: AccountEvent) {
  return {
    Subject: renderAccountSubject(event),
    MessageStructure: 'json' as const,
    Message: JSON.stringify({
      default: renderAccountEventJson(event),
      email: renderAccountEmail(event),
      https: JSON.stringify(renderAccountChatbot(event)),
    }),
    MessageAttributes: {
      kind: { DataType: 'String' as const, StringValue: event.kind },
      account: { DataType: 'String' as const, StringValue: event.account },
    },
  };
}
