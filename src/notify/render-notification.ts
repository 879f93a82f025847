/**
 * One SNS Publish per transition, as DESIGN.md ("Notification") fixes it: a short ASCII Subject,
 * `MessageStructure: json` with a body per protocol, and String attributes for filter policies.
 */
import { type AnnouncedEvent, isTransitionEvent } from '../events/announced-event.ts';
import { renderAlertText, renderSubject } from './render-alert.ts';
import { describeAnnouncement } from './render-announcement.ts';
import { type ChatbotNotification, renderChatbotNotification } from './render-chatbot.ts';

export { CHATBOT_LIMITS, renderChatbotNotification } from './render-chatbot.ts';
export type { ChatbotNotification };
export { renderAlertText, renderSubject };

/** The three bodies of a notification; SNS requires each to be a string. */
export interface NotificationBodies {
  /** The transition event JSON, for machines (SQS, Lambda, HTTP subscribers without a body of their own). */
  default: string;
  /** Plain text for email subscriptions. */
  email: string;
  /** An AWS Chatbot custom notification, for Slack and Teams channels. */
  https: string;
}

export const NOTIFICATION_ATTRIBUTE_NAMES = [
  'kind',
  'modelId',
  'region',
  'state',
  'account',
] as const;
export type NotificationAttributeName = (typeof NOTIFICATION_ATTRIBUTE_NAMES)[number];

export interface StringAttribute {
  DataType: 'String';
  StringValue: string;
}

/** The PublishCommand input for one transition, without the TopicArn. */
export interface RenderedNotification {
  Subject: string;
  MessageStructure: 'json';
  /** JSON of {@link NotificationBodies}. */
  Message: string;
  /** Every attribute for a transition; those that apply for another event (a config event has no region). */
  MessageAttributes: Partial<Record<NotificationAttributeName, StringAttribute>>;
}

/** Subject, bodies and attributes of the notification for one event. */
export function renderNotification(event: AnnouncedEvent): RenderedNotification {
  // Every event names its account, for filter policies in organization mode.
  const attributes = isTransitionEvent(event)
    ? { kind: event.kind, modelId: event.modelId, region: event.region, state: event.to }
    : describeAnnouncement(event).attributes;
  const withAccount = { ...attributes, account: event.account };
  return {
    Subject: renderSubject(event),
    MessageStructure: 'json',
    Message: JSON.stringify(renderNotificationBodies(event)),
    MessageAttributes: Object.fromEntries(
      Object.entries(withAccount).map(([name, value]) => [name, stringAttribute(value)]),
    ),
  };
}

/** Each body as the subscriber of that protocol receives it. */
export function renderNotificationBodies(event: AnnouncedEvent): NotificationBodies {
  return {
    default: renderEventJson(event),
    email: renderAlertText(event),
    https: JSON.stringify(renderChatbotNotification(event)),
  };
}

/**
 * The transition event JSON. Fields are named one by one so that the contract, and nothing that
 * happens to ride along on the object, is what leaves the account.
 */
export function renderEventJson(event: AnnouncedEvent): string {
  // The other events are built field by field by their decisions and read back through their
  // strict schemas (pair-record-schema.ts): nothing rides along on them.
  if (!isTransitionEvent(event)) return JSON.stringify(event);
  const { raw } = event;
  return JSON.stringify({
    schema: event.schema,
    eventId: event.eventId,
    kind: event.kind,
    account: event.account,
    modelId: event.modelId,
    region: event.region,
    from: event.from,
    to: event.to,
    observedAt: event.observedAt,
    previousSince: event.previousSince,
    raw: {
      agreement: raw.agreement,
      agreementError: raw.agreementError,
      authorization: raw.authorization,
      entitlement: raw.entitlement,
      region: raw.region,
    },
    ...(event.verification === undefined ? {} : { verification: event.verification }),
    ...(event.blockedSince === undefined ? {} : { blockedSince: event.blockedSince }),
    ...(event.accountName === undefined ? {} : { accountName: event.accountName }),
  });
}

function stringAttribute(value: string): StringAttribute {
  return { DataType: 'String', StringValue: value };
}
