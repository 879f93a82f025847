import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import type { AnnouncedEvent } from '../../src/events/announced-event.ts';
import {
  TRANSITION_EVENT_SCHEMA,
  type TransitionEvent,
  type TransitionKind,
} from '../../src/grants/types.ts';
import { consoleLink, nextStep } from '../../src/notify/next-steps.ts';
import {
  SAMPLE_CONFIG_EVENT,
  SAMPLE_LIFECYCLE_EVENT,
  SAMPLE_STUCK_EVENT,
} from '../../src/notify/readme-examples.ts';
import {
  renderNotification,
  renderNotificationBodies,
} from '../../src/notify/render-notification.ts';
import { ACCOUNT, RAW_FOR } from '../support/fixtures.ts';

/** A ready event as the monitor emits it; each test changes what it is about. */
function transition(change: Partial<TransitionEvent> = {}): TransitionEvent {
  return {
    schema: TRANSITION_EVENT_SCHEMA,
    eventId: '3f1c2a9e-8d4b-4e7a-9c61-2b5f0d7e4a10',
    kind: 'ready',
    account: ACCOUNT,
    modelId: 'amazon.titan-text-express-v1',
    region: 'us-east-1',
    from: 'IN_PROGRESS',
    to: 'ENABLED',
    observedAt: '2026-11-24T10:05:12.000Z',
    previousSince: '2026-11-24T09:52:40.000Z',
    raw: RAW_FOR.ENABLED,
    ...change,
  };
}

// What SNS accepts as a Subject (DESIGN.md: printable ASCII, no line breaks, fewer than 100).
const SNS_SUBJECT = /^[\x20-\x7e]{1,99}$/;

// The AWS Chatbot custom notification schema, restated from
// https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html with its length limits.
const chatbotNotification = z.strictObject({
  version: z.literal('1.0'),
  source: z.literal('custom'),
  id: z.string().min(1).optional(),
  content: z.strictObject({
    textType: z.literal('client-markdown'),
    title: z.string().min(1).max(250),
    description: z.string().min(1).max(8000),
    nextSteps: z.array(z.string().min(1).max(350)).min(1),
    keywords: z.array(z.string().min(1).max(75)),
  }),
  metadata: z.strictObject({
    threadId: z.string().min(1),
    summary: z.string().min(1),
    eventType: z.string().regex(/^[a-zA-Z0-9-]{1,100}$/),
    relatedResources: z.array(z.string()),
    additionalContext: z.record(z.string(), z.string().regex(/^[\x21-\x7f]{1,1024}$/)),
  }),
});

function bodiesOf(event: AnnouncedEvent): Record<string, unknown> {
  return JSON.parse(renderNotification(event).Message);
}

function chatbotOf(event: AnnouncedEvent) {
  return chatbotNotification.parse(JSON.parse(renderNotificationBodies(event).https));
}

describe('renderNotification', () => {
  describe('subject', () => {
    it('names the kind, the model and the region', () => {
      expect(renderNotification(transition()).Subject).toBe(
        'Bedrock access ready: amazon.titan-text-express-v1 in us-east-1',
      );
    });

    it('stays under 100 printable ASCII characters for a 200-character model id', () => {
      const modelId = `vendor.${'x'.repeat(193)}`;

      const { Subject } = renderNotification(transition({ modelId }));

      expect(Subject).toMatch(SNS_SUBJECT);
      expect(Subject.startsWith('Bedrock access ready: vendor.xxx')).toBe(true);
      expect(Subject.endsWith('... in us-east-1')).toBe(true);
    });

    it('replaces non-ASCII and control characters instead of passing them to SNS', () => {
      const { Subject } = renderNotification(
        transition({ modelId: 'modèle-ünïcode-🚀\nnext-line\tv1', region: 'eu-wést-1' }),
      );

      expect(Subject).toMatch(SNS_SUBJECT);
      expect(Subject).toContain('mod?le-');
    });
  });

  describe('bodies', () => {
    it('has exactly the default, email and https bodies, each a string as SNS requires', () => {
      const bodies = bodiesOf(transition());

      expect(Object.keys(bodies).sort()).toEqual(['default', 'email', 'https']);
      for (const body of Object.values(bodies)) expect(typeof body).toBe('string');
      expect(renderNotification(transition()).MessageStructure).toBe('json');
    });

    it('sends the transition event itself as the default body', () => {
      const event = transition({ from: null, previousSince: null, kind: 'changed' });

      expect(JSON.parse(bodiesOf(event).default as string)).toStrictEqual(event);
    });

    it('keeps extra properties of the event object out of the default body', () => {
      const event = { ...transition(), internalNote: 'not part of the contract' };

      expect(JSON.parse(bodiesOf(event).default as string)).toStrictEqual(transition());
    });

    it('tells an email reader what changed, where, since when and what to do next', () => {
      const event = transition();

      const email = bodiesOf(event).email as string;

      expect(email).toContain('Bedrock model access is ready.');
      expect(email).toContain('Change:   IN_PROGRESS -> ENABLED');
      expect(email).toContain('Model:    amazon.titan-text-express-v1');
      expect(email).toContain('Region:   us-east-1');
      expect(email).toContain('Observed: 2026-11-24 10:05 UTC');
      expect(email).toContain('IN_PROGRESS since: 2026-11-24 09:52 UTC');
      expect(email).toContain(nextStep(event));
      expect(email).toContain(
        'https://us-east-1.console.aws.amazon.com/bedrock/home?region=us-east-1#/model-catalog',
      );
    });

    it('gives chat channels a valid AWS Chatbot custom notification', () => {
      const event = transition();

      const card = chatbotOf(event);

      expect(card.id).toBe(event.eventId);
      expect(card.content.title).toBe(
        '✅ Bedrock model access is ready: amazon.titan-text-express-v1 in us-east-1',
      );
      expect(card.content.description).toContain('`IN_PROGRESS` → `ENABLED`');
      expect(card.content.description).toContain('IN_PROGRESS since: 2026-11-24 09:52 UTC');
      expect(card.content.description).toContain(consoleLink('us-east-1'));
      expect(card.content.nextSteps[0]).toBe(nextStep(event));
      expect(card.content.nextSteps[1]).toContain(consoleLink('us-east-1'));
      expect(card.metadata.threadId).toBe(
        'bedrock-access-123456789012-us-east-1-amazon.titan-text-express-v1',
      );
      expect(card.metadata.relatedResources).toEqual([
        'arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1',
      ]);
      expect(card.metadata.additionalContext).toMatchObject({
        modelId: 'amazon.titan-text-express-v1',
        from: 'IN_PROGRESS',
        to: 'ENABLED',
      });
    });

    it('keeps the chat card within its documented limits for oversized input', () => {
      const event = transition({
        kind: 'failed',
        to: 'FAILED',
        modelId: `vendor.${'m'.repeat(193)}`,
        raw: { ...RAW_FOR.FAILED, agreementError: `declined ${'🚫'.repeat(6000)}` },
      });

      const card = chatbotOf(event);

      expect(card.content.description.endsWith('...')).toBe(true);
      expect(card.content.nextSteps[0]?.length).toBeLessThanOrEqual(350);
      expect(card.content.keywords).toContain(`vendor.${'m'.repeat(65)}...`);
    });

    it('says so when Bedrock does not know the model in the region', () => {
      const event = transition({
        kind: 'changed',
        from: 'NOT_ENABLED',
        to: 'NOT_OFFERED',
        raw: {
          agreement: null,
          agreementError: null,
          authorization: null,
          entitlement: null,
          region: null,
        },
      });

      expect(chatbotOf(event).content.description).toContain(
        'the model does not exist in this region',
      );
      expect(bodiesOf(event).email).toContain('the model does not exist in this region');
    });

    it('links the GovCloud console and ARN partition for a GovCloud region', () => {
      const card = chatbotOf(transition({ region: 'us-gov-west-1' }));

      expect(card.content.description).toContain('https://console.amazonaws-us-gov.com/bedrock/');
      expect(card.metadata.relatedResources[0]).toMatch(/^arn:aws-us-gov:bedrock:us-gov-west-1::/);
    });
  });

  it('sets the kind, model, region, new state and account as String attributes for filter policies', () => {
    expect(renderNotification(transition()).MessageAttributes).toStrictEqual({
      kind: { DataType: 'String', StringValue: 'ready' },
      modelId: { DataType: 'String', StringValue: 'amazon.titan-text-express-v1' },
      region: { DataType: 'String', StringValue: 'us-east-1' },
      state: { DataType: 'String', StringValue: 'ENABLED' },
      account: { DataType: 'String', StringValue: transition().account },
    });
  });

  it('names the member account, by its Organizations name, in organization mode only', () => {
    const single = renderNotification(transition());
    const member = renderNotification({ ...transition(), accountName: 'prod-ml' });
    const unnamed = renderNotification({ ...transition(), accountName: null });

    expect(single.Subject).toBe('Bedrock access ready: amazon.titan-text-express-v1 in us-east-1');
    expect(member.Subject).toBe(
      'Bedrock access ready: amazon.titan-text-express-v1 in us-east-1, account prod-ml',
    );
    expect(unnamed.Subject).toBe(
      `Bedrock access ready: amazon.titan-text-express-v1 in us-east-1, account ${transition().account}`,
    );
    const bodies = JSON.parse(member.Message);
    expect(bodies.email).toContain(`Account:  prod-ml (${transition().account})`);
    expect(JSON.parse(bodies.https).content.title).toContain('account prod-ml');
    expect(JSON.parse(bodies.default).accountName).toBe('prod-ml');
  });

  describe('each transition kind', () => {
    const cases: {
      kind: TransitionKind;
      change: Partial<TransitionEvent>;
      headline: string;
      emoji: string;
    }[] = [
      {
        kind: 'ready',
        change: { from: 'IN_PROGRESS', to: 'ENABLED', raw: RAW_FOR.ENABLED },
        headline: 'Bedrock model access is ready.',
        emoji: '✅',
      },
      {
        kind: 'revoked',
        change: { from: 'ENABLED', to: 'NOT_ENABLED', raw: RAW_FOR.NOT_ENABLED },
        headline: 'Bedrock model access was revoked.',
        emoji: '⛔',
      },
      {
        kind: 'failed',
        change: { from: 'IN_PROGRESS', to: 'FAILED', raw: RAW_FOR.FAILED },
        headline: 'Bedrock model access failed.',
        emoji: '❌',
      },
      {
        kind: 'requested',
        change: { from: 'NOT_ENABLED', to: 'IN_PROGRESS', raw: RAW_FOR.IN_PROGRESS },
        headline: 'Bedrock model access was requested and is in progress.',
        emoji: '⏳',
      },
      {
        kind: 'changed',
        change: { from: 'NOT_AUTHORIZED', to: 'NOT_ENABLED', raw: RAW_FOR.NOT_ENABLED },
        headline: 'Bedrock model access changed.',
        emoji: '🔄',
      },
    ];

    for (const { kind, change, headline, emoji } of cases) {
      it(`renders a ${kind} transition (${change.from} -> ${change.to})`, () => {
        const event = transition({ kind, ...change });

        const rendered = renderNotification(event);
        const bodies = bodiesOf(event);
        const card = chatbotOf(event);

        expect(rendered.Subject).toBe(
          `Bedrock access ${kind}: amazon.titan-text-express-v1 in us-east-1`,
        );
        expect(rendered.MessageAttributes.kind?.StringValue).toBe(kind);
        expect(rendered.MessageAttributes.state?.StringValue).toBe(change.to);
        expect(JSON.parse(bodies.default as string)).toStrictEqual(event);
        expect(bodies.email).toContain(headline);
        expect(bodies.email).toContain(`Change:   ${change.from} -> ${change.to}`);
        expect(bodies.email).toContain(nextStep(event));
        expect(card.content.title.startsWith(`${emoji} `)).toBe(true);
        expect(card.content.nextSteps[0]).toBe(nextStep(event));
        expect(card.content.keywords).toEqual([
          kind,
          change.to,
          'us-east-1',
          'amazon.titan-text-express-v1',
        ]);
        expect(card.metadata.eventType).toBe(`bedrock-access-${kind}`);
      });
    }
  });

  it('names the agreement error of a failed grant in both human bodies', () => {
    const event = transition({ kind: 'failed', to: 'FAILED', raw: RAW_FOR.FAILED });

    expect(bodiesOf(event).email).toContain('Payment instrument declined');
    expect(chatbotOf(event).content.description).toContain(
      'Agreement error: Payment instrument declined',
    );
  });
});

describe('renderNotification for the events that are not grant transitions', () => {
  const long = 'x'.repeat(120);
  const events: AnnouncedEvent[] = [
    SAMPLE_LIFECYCLE_EVENT,
    {
      ...SAMPLE_LIFECYCLE_EVENT,
      what: 'date-moved',
      which: 'endOfLifeTime',
      previousDate: '2027-06-01T00:00:00.000Z',
      leadDays: null,
    },
    { ...SAMPLE_LIFECYCLE_EVENT, what: 'legacy', which: 'legacyTime', date: null, leadDays: null },
    SAMPLE_STUCK_EVENT,
    SAMPLE_CONFIG_EVENT,
    { ...SAMPLE_CONFIG_EVENT, suggestions: [] },
    { ...SAMPLE_STUCK_EVENT, modelId: `${long}\u00e9` },
  ];

  it.each(
    events.map((event) => [`${event.kind} ${'what' in event ? event.what : ''}`, event] as const),
  )(
    '%s: a Subject SNS takes, the event JSON as default, a Chatbot card within its limits',
    (_name, event) => {
      const rendered = renderNotification(event);
      const bodies = bodiesOf(event);

      expect(rendered.Subject).toMatch(SNS_SUBJECT);
      expect(JSON.parse(bodies.default as string)).toStrictEqual(event);
      expect(bodies.email).toContain('What to do next:');
      expect(bodies.email).toContain(`Event id: ${event.eventId}`);
      expect(chatbotOf(event).content.nextSteps.length).toBeGreaterThan(0);
      expect(rendered.MessageAttributes.kind?.StringValue).toBe(event.kind);
      expect(rendered.MessageAttributes.modelId?.StringValue).toBe(event.modelId);
    },
  );

  it('tells what happens on which date and what to do for a lifecycle warning', () => {
    const email = bodiesOf(SAMPLE_LIFECYCLE_EVENT).email as string;

    expect(email).toContain(
      'On 2026-12-01 (in 7 days or less), the model moves to public extended access: it costs more from then on.',
    );
    expect(email).toContain(
      'https://docs.aws.amazon.com/bedrock/latest/userguide/model-lifecycle.html',
    );
    expect(
      bodiesOf({
        ...SAMPLE_LIFECYCLE_EVENT,
        successor: 'anthropic.claude-sonnet-4-5-20250929-v1:0',
      }).email,
    ).toContain('Move to anthropic.claude-sonnet-4-5-20250929-v1:0 before 2026-12-01.');
  });

  it('gives a config event no region or state attribute, and a stuck one IN_PROGRESS', () => {
    expect(Object.keys(renderNotification(SAMPLE_CONFIG_EVENT).MessageAttributes)).toEqual([
      'kind',
      'modelId',
      'account',
    ]);
    expect(renderNotification(SAMPLE_STUCK_EVENT).MessageAttributes.state?.StringValue).toBe(
      'IN_PROGRESS',
    );
  });
});
