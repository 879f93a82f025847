import { CONFIG_EVENT_SCHEMA, type ConfigEvent } from '../catalog/config-event.ts';
import type { AnnouncedEvent } from '../events/announced-event.ts';
import { STUCK_EVENT_SCHEMA, type StuckEvent } from '../grants/decide-stuck.ts';
import type { TransitionEvent } from '../grants/types.ts';
import { LIFECYCLE_EVENT_SCHEMA, type LifecycleEvent } from '../lifecycle/lifecycle-event.ts';
import { renderChatbotNotification } from './render-chatbot.ts';
import { renderNotification } from './render-notification.ts';

/** The event the README's examples show: a model that became usable. */
export const SAMPLE_READY_EVENT: TransitionEvent = {
  schema: 'bedrock-access-monitor/transition/v1',
  eventId: '3fd2a3a2-8eb6-060b-79b3-a18fdec56713',
  kind: 'ready',
  account: '123456789012',
  modelId: 'anthropic.claude-sonnet-4-5-20250929-v1:0',
  region: 'us-east-1',
  from: 'IN_PROGRESS',
  to: 'ENABLED',
  observedAt: '2026-11-24T12:25:00.000Z',
  previousSince: '2026-11-24T12:10:00.000Z',
  raw: {
    agreement: 'AVAILABLE',
    agreementError: null,
    authorization: 'AUTHORIZED',
    entitlement: 'AVAILABLE',
    region: 'AVAILABLE',
  },
};

/** A model a week before its public extended access (higher prices). */
export const SAMPLE_LIFECYCLE_EVENT: LifecycleEvent = {
  schema: LIFECYCLE_EVENT_SCHEMA,
  eventId: '8c1f0e52-3b7d-4a51-9a0e-2f4c6d7e8a90',
  kind: 'lifecycle',
  account: '123456789012',
  modelId: 'anthropic.claude-3-5-sonnet-20240620-v1:0',
  region: 'us-east-1',
  what: 'warning',
  which: 'publicExtendedAccessTime',
  date: '2026-12-01T00:00:00.000Z',
  previousDate: null,
  leadDays: 7,
  lifecycle: {
    status: 'LEGACY',
    startOfLifeTime: '2024-06-20T00:00:00.000Z',
    legacyTime: '2025-08-25T00:00:00.000Z',
    publicExtendedAccessTime: '2026-12-01T00:00:00.000Z',
    endOfLifeTime: '2027-03-01T00:00:00.000Z',
  },
  successor: null,
  observedAt: '2026-11-24T12:25:00.000Z',
};

/** A request still in progress 31 minutes after it started. */
export const SAMPLE_STUCK_EVENT: StuckEvent = {
  schema: STUCK_EVENT_SCHEMA,
  eventId: '5a0d7c3e-91b2-4f6e-8d3a-7b1c2e4f6a08',
  kind: 'stuck',
  account: '123456789012',
  modelId: 'anthropic.claude-sonnet-4-5-20250929-v1:0',
  region: 'us-east-1',
  state: 'IN_PROGRESS',
  since: '2026-11-24T11:54:12.000Z',
  elapsedMs: 1_848_000,
  stuckAfterMs: 1_800_000,
  observedAt: '2026-11-24T12:25:00.000Z',
};

/** A mistyped id in the config. */
export const SAMPLE_CONFIG_EVENT: ConfigEvent = {
  schema: CONFIG_EVENT_SCHEMA,
  eventId: 'e4b7a1c9-2d3f-4e5a-8b6c-9d0e1f2a3b4c',
  kind: 'config',
  account: '123456789012',
  problem: 'unknown-model',
  modelId: 'anthropic.claude-sonet-4-5-20250929-v1:0',
  regions: ['us-east-1', 'us-west-2'],
  suggestions: ['anthropic.claude-sonnet-4-5-20250929-v1:0'],
  observedAt: '2026-11-24T12:25:00.000Z',
};

/**
 * The documentation files holding rendered examples, relative to the repository root; the first
 * holds every one of them (the README shows a few).
 */
export const EXAMPLE_DOCS = ['docs/alerts.md', 'README.md'] as const;

/** The doc blocks between `<!-- example:NAME -->` markers, as the code renders them. */
export function readmeExamples(): Record<string, string> {
  const rendered = renderNotification(SAMPLE_READY_EVENT);
  const bodies = JSON.parse(rendered.Message) as { email: string };
  return {
    subject: ['```text', rendered.Subject, '```'].join('\n'),
    email: ['```text', bodies.email, '```'].join('\n'),
    chatbot: [
      '```json',
      JSON.stringify(renderChatbotNotification(SAMPLE_READY_EVENT), null, 2),
      '```',
    ].join('\n'),
    attributes: ['```json', JSON.stringify(rendered.MessageAttributes, null, 2), '```'].join('\n'),
    lifecycle: emailExample(SAMPLE_LIFECYCLE_EVENT),
    stuck: emailExample(SAMPLE_STUCK_EVENT),
    config: emailExample(SAMPLE_CONFIG_EVENT),
  };
}

/** The subject and the email body of one event, as one text block. */
function emailExample(event: AnnouncedEvent): string {
  const rendered = renderNotification(event);
  const bodies = JSON.parse(rendered.Message) as { email: string };
  return ['```text', `Subject: ${rendered.Subject}`, '', bodies.email, '```'].join('\n');
}

/** Replaces each marked block of `doc` with its rendering; unknown markers are an error. */
export function fillReadmeExamples(doc: string, examples = readmeExamples()): string {
  return doc.replace(
    /<!-- example:([a-z]+) -->\n[\s\S]*?<!-- \/example -->/g,
    (_block, name: string) => {
      const example = examples[name];
      if (example === undefined) throw new Error(`The docs name an unknown example "${name}"`);
      return `<!-- example:${name} -->\n${example}\n<!-- /example -->`;
    },
  );
}
