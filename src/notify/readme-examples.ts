import type { TransitionEvent } from '../grants/types.ts';
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
  };
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
