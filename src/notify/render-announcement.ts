/**
 * What a person reads about the events that are not grant transitions (lifecycle, stuck,
 * config): one headline, the facts, and what to do, rendered from one description into the
 * email text and the Chatbot card alike.
 */
import type { ConfigEvent } from '../catalog/config-event.ts';
import type { AnnouncedEvent } from '../events/announced-event.ts';
import type { StuckEvent } from '../grants/decide-stuck.ts';
import type { TransitionEvent } from '../grants/types.ts';
import type { LifecycleEvent } from '../lifecycle/lifecycle-event.ts';

/** The Bedrock user guide's model lifecycle page: retirement dates and each model's successor. */
export const LIFECYCLE_PAGE =
  'https://docs.aws.amazon.com/bedrock/latest/userguide/model-lifecycle.html';

export type Announcement = Exclude<AnnouncedEvent, TransitionEvent>;

export interface AnnouncementText {
  /** Subject prefix, before the model: `Bedrock model lifecycle: `. */
  subjectPrefix: string;
  /** After the model: ` in us-east-1`, or empty. */
  subjectSuffix: string;
  emoji: string;
  /** What the card's title says before the model: `Bedrock model lifecycle`. */
  title: string;
  headline: string;
  /** `Label: value` lines. */
  facts: string[];
  /** What to do, most useful first. */
  nextSteps: string[];
  /** What Chatbot threads on and filter policies match. */
  attributes: { kind: string; modelId: string; region?: string; state?: string };
}

/** The text of one lifecycle, stuck or config event. */
export function describeAnnouncement(event: Announcement): AnnouncementText {
  switch (event.kind) {
    case 'lifecycle':
      return describeLifecycle(event);
    case 'stuck':
      return describeStuck(event);
    case 'config':
      return describeConfig(event);
  }
}

/** What happens on each date, as the end of a sentence. */
const WHAT_HAPPENS = {
  startOfLifeTime: 'the model was launched',
  legacyTime: 'the model becomes LEGACY: Bedrock refuses accounts that have not used it recently',
  publicExtendedAccessTime: 'the model moves to public extended access: it costs more from then on',
  endOfLifeTime: 'the model reaches its end of life: every call to it fails from then on',
} as const;

/** The same in two words, for the list of dates. */
const SHORT_MEANING = {
  legacyTime: 'legacy',
  publicExtendedAccessTime: 'higher prices',
  endOfLifeTime: 'end of life',
} as const;

function describeLifecycle(event: LifecycleEvent): AnnouncementText {
  const when = event.date === null ? 'a date not given yet' : day(event.date);
  const happens = WHAT_HAPPENS[event.which];
  const within =
    event.leadDays === null
      ? ''
      : ` (in ${event.leadDays} day${event.leadDays === 1 ? '' : 's'} or less)`;
  const headline = {
    legacy: `The model is now LEGACY (since ${when}): Bedrock refuses accounts that have not used it recently, and it will be retired.`,
    'date-set': `Bedrock set a ${event.which} date: on ${when}${within}, ${happens}.`,
    'date-moved': `Bedrock moved the ${event.which} date from ${event.previousDate === null ? '(none)' : day(event.previousDate)} to ${when}: on ${when}${within}, ${happens}.`,
    warning: `On ${when}${within}, ${happens}.`,
  }[event.what];
  const { lifecycle } = event;
  const facts = [
    `Model: ${event.modelId}`,
    `Region: ${event.region}`,
    `Account: ${event.account}`,
    `Status: ${lifecycle.status}`,
    ...(['legacyTime', 'publicExtendedAccessTime', 'endOfLifeTime'] as const).flatMap((which) =>
      lifecycle[which] === null
        ? []
        : [`${which}: ${day(lifecycle[which] as string)} (${SHORT_MEANING[which]})`],
    ),
    `Observed: ${event.observedAt.slice(0, 16).replace('T', ' ')} UTC`,
  ];
  const move =
    event.successor === null
      ? `Move to the model's successor before ${endDate(event)}: the Bedrock model lifecycle page names it (${LIFECYCLE_PAGE}).`
      : `Move to ${event.successor} before ${endDate(event)}.`;
  return {
    subjectPrefix: 'Bedrock model lifecycle: ',
    subjectSuffix: ` in ${event.region}`,
    emoji: '📅',
    title: `Bedrock model lifecycle (${event.what})`,
    headline,
    facts,
    nextSteps: [
      move,
      'Test the successor with your prompts, then switch the model id (or inference profile) in your code and in config/watched-models.yml.',
    ],
    attributes: {
      kind: event.kind,
      modelId: event.modelId,
      region: event.region,
      state: lifecycle.status,
    },
  };
}

function endDate(event: LifecycleEvent): string {
  const { publicExtendedAccessTime, endOfLifeTime } = event.lifecycle;
  const first = publicExtendedAccessTime ?? endOfLifeTime;
  return first === null ? 'it is retired' : day(first);
}

function describeStuck(event: StuckEvent): AnnouncementText {
  return {
    subjectPrefix: 'Bedrock access stuck: ',
    subjectSuffix: ` in ${event.region}`,
    emoji: '⏳',
    title: 'Bedrock access request stuck in progress',
    headline: `The access request has been IN_PROGRESS for ${duration(event.elapsedMs)}, longer than stuckAfter (${duration(event.stuckAfterMs)}). AWS says a Marketplace agreement still pending after about 15 minutes has failed to be created.`,
    facts: [
      `Model: ${event.modelId}`,
      `Region: ${event.region}`,
      `Account: ${event.account}`,
      `IN_PROGRESS since: ${event.since.slice(0, 16).replace('T', ' ')} UTC`,
    ],
    nextSteps: [
      'Check the payment method of the account (Billing console): a declined card keeps the Marketplace agreement from being created.',
      'Check that whoever requested access is allowed aws-marketplace:Subscribe, aws-marketplace:ViewSubscriptions and aws-marketplace:Unsubscribe, and that no SCP denies them.',
      'For Anthropic models: submit the use-case form once for the account (Bedrock console, model catalog).',
      `Run \`npx bedrock-access-monitor diagnose ${event.modelId} --region ${event.region}\` to see which step stands in the way.`,
    ],
    attributes: {
      kind: event.kind,
      modelId: event.modelId,
      region: event.region,
      state: event.state,
    },
  };
}

function describeConfig(event: ConfigEvent): AnnouncementText {
  const guess =
    event.suggestions.length === 0
      ? 'No listed id is close to it; check the id with `aws bedrock list-foundation-models`.'
      : `Did you mean ${event.suggestions.map((id) => `"${id}"`).join(' or ')}?`;
  return {
    subjectPrefix: 'Bedrock monitor config: unknown model id ',
    subjectSuffix: '',
    emoji: '⚠️',
    title: 'Unknown model id in the monitor config',
    headline: `"${event.modelId}" is listed by Bedrock in none of the watched regions (${event.regions.join(', ')}), so it reads NOT_OFFERED forever. Every run reports it until the config is fixed.`,
    facts: [`Model id: ${event.modelId}`, `Account: ${event.account}`, guess],
    nextSteps: [
      `Fix the id in config/watched-models.yml${event.suggestions[0] === undefined ? '' : ` (probably ${event.suggestions[0]})`}, check it with \`npx bedrock-access-monitor validate --online\`, and deploy.`,
    ],
    attributes: { kind: event.kind, modelId: event.modelId },
  };
}

function day(iso: string): string {
  return iso.slice(0, 10);
}

/** `47 minutes`, `30 minutes 48 seconds`, `2 days 1 hour`: whole units, the two largest. */
export function duration(ms: number): string {
  const units: [string, number][] = [
    ['day', 86_400_000],
    ['hour', 3_600_000],
    ['minute', 60_000],
    ['second', 1_000],
  ];
  const parts: string[] = [];
  let rest = Math.max(ms, 0);
  for (const [name, size] of units) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0 && parts.length < 2) parts.push(`${count} ${name}${count === 1 ? '' : 's'}`);
  }
  return parts.length === 0 ? 'less than a second' : parts.join(' ');
}
