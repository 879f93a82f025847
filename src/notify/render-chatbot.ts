/**
 * The `https` body of a notification: an AWS Chatbot (Amazon Q Developer in chat applications)
 * custom notification, which Slack and Microsoft Teams channels subscribed to the topic render as a
 * card. Schema: https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html
 */
import { type AnnouncedEvent, isTransitionEvent } from '../events/announced-event.ts';
import type { TransitionEvent, TransitionKind } from '../grants/types.ts';
import { consoleLink, describeVerification, nextStep } from './next-steps.ts';
import { formatTime } from './render-alert.ts';
import { type Announcement, describeAnnouncement } from './render-announcement.ts';

/** The custom notification event schema (`version` 1.0, `source` custom). */
export interface ChatbotNotification {
  version: '1.0';
  source: 'custom';
  id?: string;
  content: {
    textType: 'client-markdown';
    title?: string;
    description: string;
    nextSteps?: string[];
    keywords?: string[];
  };
  metadata?: {
    threadId?: string;
    summary?: string;
    eventType?: string;
    relatedResources?: string[];
    additionalContext?: Record<string, string>;
  };
}

/**
 * Length limits of the content fields, in characters. The field names are checked against the
 * schema page above; these numbers come from a third-party client that cites its parameter
 * table, not yet from the table itself. Every field is clipped to fit, so a long model id or
 * agreement error never costs the card.
 */
export const CHATBOT_LIMITS = {
  title: 250,
  description: 8000,
  nextStep: 350,
  keyword: 75,
} as const;

// Unicode emoji rather than Slack `:shortcodes:`: Teams renders them too.
const TITLE_EMOJI: Record<TransitionKind, string> = {
  ready: '✅',
  revoked: '⛔',
  failed: '❌',
  requested: '⏳',
  changed: '🔄',
  blocked: '🚫',
};

const HEADLINES: Record<TransitionKind, string> = {
  ready: 'Bedrock model access is ready',
  revoked: 'Bedrock model access was revoked',
  failed: 'Bedrock model access failed',
  requested: 'Bedrock model access is in progress',
  changed: 'Bedrock model access changed',
  blocked: 'Bedrock reports access as enabled, but calls fail',
};

/** The AWS Chatbot custom notification for one event; the caller serialises it. */
export function renderChatbotNotification(event: AnnouncedEvent): ChatbotNotification {
  if (!isTransitionEvent(event)) return renderAnnouncementCard(event);
  const link = consoleLink(event.region);
  return {
    version: '1.0',
    source: 'custom',
    id: event.eventId,
    content: {
      textType: 'client-markdown',
      title: clip(
        `${TITLE_EMOJI[event.kind]} ${HEADLINES[event.kind]}: ${event.modelId} in ${event.region}${event.accountName === undefined ? '' : `, account ${event.accountName ?? event.account}`}`,
        CHATBOT_LIMITS.title,
      ),
      description: clip(renderDescription(event, link), CHATBOT_LIMITS.description),
      nextSteps: [nextStep(event), `Open the Bedrock console: ${link}`].map((step) =>
        clip(step, CHATBOT_LIMITS.nextStep),
      ),
      keywords: [event.kind, event.to, event.region, event.modelId].map((keyword) =>
        clip(keyword, CHATBOT_LIMITS.keyword),
      ),
    },
    metadata: {
      // One thread per (account, region, model): every later change of the pair is a reply.
      threadId: `bedrock-access-${event.account}-${event.region}-${event.modelId}`,
      summary: `Bedrock access of ${event.modelId} in ${event.region}: ${event.to}`,
      // Custom action buttons match on this; their NotificationType allows [a-zA-Z0-9-] only.
      eventType: `bedrock-access-${event.kind}`,
      relatedResources: [foundationModelArn(event.region, event.modelId)],
      // Custom actions read these as variables, so values stay single tokens without spaces.
      additionalContext: {
        kind: event.kind,
        account: event.account,
        region: event.region,
        modelId: event.modelId,
        from: event.from ?? 'none',
        to: event.to,
        observedAt: event.observedAt,
        eventId: event.eventId,
      },
    },
  };
}

function renderAnnouncementCard(event: Announcement): ChatbotNotification {
  const text = describeAnnouncement(event);
  const { region } = text.attributes;
  const where = region === undefined ? '' : ` in ${region}`;
  return {
    version: '1.0',
    source: 'custom',
    id: event.eventId,
    content: {
      textType: 'client-markdown',
      title: clip(`${text.emoji} ${text.title}: ${event.modelId}${where}`, CHATBOT_LIMITS.title),
      description: clip([text.headline, '', ...text.facts].join('\n'), CHATBOT_LIMITS.description),
      nextSteps: text.nextSteps.map((step) => clip(step, CHATBOT_LIMITS.nextStep)),
      keywords: Object.values(text.attributes).map((keyword) =>
        clip(keyword, CHATBOT_LIMITS.keyword),
      ),
    },
    metadata: {
      threadId:
        region === undefined
          ? `bedrock-access-${event.account}-${event.kind}-${event.modelId}`
          : `bedrock-access-${event.account}-${region}-${event.modelId}`,
      summary: clip(text.headline, CHATBOT_LIMITS.title),
      eventType: `bedrock-access-${event.kind}`,
      relatedResources: region === undefined ? [] : [foundationModelArn(region, event.modelId)],
      additionalContext: {
        ...Object.fromEntries(
          // Custom actions read these as variables: printable ASCII without spaces only.
          Object.entries(text.attributes).map(([key, value]) => [
            key,
            value.replace(/[^\x21-\x7f]/g, '_'),
          ]),
        ),
        account: event.account,
        observedAt: event.observedAt,
        eventId: event.eventId,
      },
    },
  };
}

function renderDescription(event: TransitionEvent, link: string): string {
  const { raw } = event;
  const lines = [
    `Model \`${event.modelId}\` in \`${event.region}\` (account \`${event.account}\`${event.accountName ? ` ${event.accountName}` : ''})`,
    `Change: \`${event.from ?? 'none'}\` → \`${event.to}\``,
    `Observed: ${formatTime(event.observedAt)}`,
  ];
  if (event.previousSince !== null) {
    lines.push(`${event.from ?? 'Previous state'} since: ${formatTime(event.previousSince)}`);
  }
  if (raw.region === null && raw.agreement === null) {
    lines.push('Bedrock reports: the model does not exist in this region');
  } else {
    lines.push(
      `Bedrock reports: agreement \`${raw.agreement}\`, authorization \`${raw.authorization}\`, entitlement \`${raw.entitlement}\`, region \`${raw.region}\``,
    );
    if (raw.agreementError !== null) lines.push(`Agreement error: ${raw.agreementError}`);
  }
  if (event.blockedSince !== undefined) {
    lines.push(
      `Blocked since ${formatTime(event.blockedSince)}; a verification call succeeds now.`,
    );
  }
  if (event.verification !== undefined) lines.push(describeVerification(event.verification));
  lines.push(`Console: ${link}`);
  return lines.join('\n');
}

/** The ARN of a foundation model, in the partition of its region. */
export function foundationModelArn(region: string, modelId: string): string {
  const partition = region.startsWith('us-gov-')
    ? 'aws-us-gov'
    : region.startsWith('cn-')
      ? 'aws-cn'
      : 'aws';
  return `arn:${partition}:bedrock:${region}::foundation-model/${modelId}`;
}

/** Shortens to at most `max` UTF-16 units, which is never more characters than the limit allows. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  // Do not leave half of a surrogate pair (an emoji, say) at the cut.
  return `${text.slice(0, max - 3).replace(/[\uD800-\uDBFF]$/, '')}...`;
}
