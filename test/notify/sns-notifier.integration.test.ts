import {
  PublishCommand,
  type PublishCommandInput,
  SNSClient,
  type SNSClientConfig,
} from '@aws-sdk/client-sns';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NotificationError } from '../../src/errors.ts';
import { TRANSITION_EVENT_SCHEMA, type TransitionEvent } from '../../src/grants/types.ts';
import { nextStep } from '../../src/notify/next-steps.ts';
import { createSnsNotifier } from '../../src/notify/sns-notifier.ts';
import { ACCOUNT, RAW_FOR } from '../support/fixtures.ts';
import {
  SNS_MAX_MESSAGE_BYTES,
  type SnsEndpoint,
  startSnsEndpoint,
} from '../support/sns-endpoint.ts';

const REGION = 'us-east-1';
const TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:bedrock-access-alerts`;

function transition(change: Partial<TransitionEvent> = {}): TransitionEvent {
  return {
    schema: TRANSITION_EVENT_SCHEMA,
    eventId: '3f1c2a9e-8d4b-4e7a-9c61-2b5f0d7e4a10',
    kind: 'ready',
    account: ACCOUNT,
    modelId: 'amazon.titan-text-express-v1',
    region: REGION,
    from: 'IN_PROGRESS',
    to: 'ENABLED',
    observedAt: '2026-11-24T10:05:12.000Z',
    previousSince: '2026-11-24T09:52:40.000Z',
    raw: RAW_FOR.ENABLED,
    ...change,
  };
}

describe('SNS notifier against the local SNS endpoint', () => {
  let sns: SnsEndpoint;
  let previousEndpoint: string | undefined;
  const clients: SNSClient[] = [];

  /** A client as the Lambda builds it: no endpoint in code, only AWS_ENDPOINT_URL_SNS. */
  function snsClient(config: SNSClientConfig = {}): SNSClient {
    const client = new SNSClient({
      region: REGION,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-real-secret' },
      ...config,
    });
    clients.push(client);
    return client;
  }

  /** A Publish that bypasses our renderer, to prove what the endpoint itself refuses. */
  function rawPublish(input: Partial<PublishCommandInput>) {
    return snsClient({ maxAttempts: 1 }).send(
      new PublishCommand({ TopicArn: TOPIC, Message: 'hello', ...input }),
    );
  }

  beforeAll(async () => {
    sns = await startSnsEndpoint({ topics: [TOPIC] });
    previousEndpoint = process.env.AWS_ENDPOINT_URL_SNS;
    process.env.AWS_ENDPOINT_URL_SNS = sns.url;
  });

  afterEach(() => {
    sns.published.length = 0;
    sns.failNext(0);
    sns.setDown(false);
  });

  afterAll(async () => {
    for (const client of clients) client.destroy();
    if (previousEndpoint === undefined) delete process.env.AWS_ENDPOINT_URL_SNS;
    else process.env.AWS_ENDPOINT_URL_SNS = previousEndpoint;
    await sns.close();
  });

  describe('publishing', () => {
    it('delivers a transition with the documented subject, bodies and attributes', async () => {
      const event = transition();
      const notifier = createSnsNotifier({ client: snsClient(), topicArn: TOPIC });

      await notifier.publish(event);

      expect(sns.published).toHaveLength(1);
      const [sent] = sns.published;
      expect(sent?.topicArn).toBe(TOPIC);
      expect(sent?.subject).toBe('Bedrock access ready: amazon.titan-text-express-v1 in us-east-1');
      expect(sent?.messageStructure).toBe('json');
      expect(sent?.attributes).toStrictEqual({
        kind: { DataType: 'String', StringValue: 'ready' },
        modelId: { DataType: 'String', StringValue: 'amazon.titan-text-express-v1' },
        region: { DataType: 'String', StringValue: 'us-east-1' },
        state: { DataType: 'String', StringValue: 'ENABLED' },
        account: { DataType: 'String', StringValue: event.account },
      });
      const bodies = JSON.parse(sent?.message ?? '{}');
      expect(JSON.parse(bodies.default)).toStrictEqual(event);
      expect(bodies.email).toContain('Change:   IN_PROGRESS -> ENABLED');
      expect(bodies.email).toContain(nextStep(event));
      const card = JSON.parse(bodies.https);
      expect(card).toMatchObject({
        version: '1.0',
        source: 'custom',
        content: { textType: 'client-markdown' },
      });
      expect(card.content.title).toContain('amazon.titan-text-express-v1 in us-east-1');
    });

    it('publishes once per event', async () => {
      const notifier = createSnsNotifier({ client: snsClient(), topicArn: TOPIC });

      await notifier.publish(transition());
      await notifier.publish(
        transition({ eventId: 'e-2', kind: 'revoked', from: 'ENABLED', to: 'NOT_ENABLED' }),
      );

      expect(sns.published.map((m) => m.attributes.kind?.StringValue)).toEqual([
        'ready',
        'revoked',
      ]);
    });

    it('gets through SNS with a 200-character, non-ASCII model id', async () => {
      const notifier = createSnsNotifier({ client: snsClient(), topicArn: TOPIC });
      const modelId = `vendör.${'x'.repeat(193)}`;

      await notifier.publish(transition({ modelId }));

      expect(sns.published[0]?.attributes.modelId?.StringValue).toBe(modelId);
      expect(sns.published[0]?.subject?.length).toBeLessThan(100);
    });
  });

  describe('the endpoint refuses what SNS refuses', () => {
    it('accepts a 99-character subject and refuses a 100-character one', async () => {
      await expect(rawPublish({ Subject: 'S'.repeat(99) })).resolves.toHaveProperty('MessageId');

      await expect(rawPublish({ Subject: 'S'.repeat(100) })).rejects.toMatchObject({
        name: 'InvalidParameterException',
        message: 'Invalid parameter: Subject',
      });
      expect(sns.published).toHaveLength(1);
    });

    it('refuses a subject with a line break, a control character or nothing in it', async () => {
      for (const Subject of ['Bedrock access\nready', 'Bedrock\taccess', '']) {
        await expect(rawPublish({ Subject })).rejects.toMatchObject({
          name: 'InvalidParameterException',
        });
      }
      expect(sns.published).toEqual([]);
    });

    it('refuses a json structure without a default body, or with a body that is not a string', async () => {
      await expect(
        rawPublish({ MessageStructure: 'json', Message: JSON.stringify({ email: 'hi' }) }),
      ).rejects.toMatchObject({
        name: 'InvalidParameterException',
        message: 'Invalid parameter: Message Structure - No default entry in JSON message body',
      });
      await expect(
        rawPublish({ MessageStructure: 'json', Message: JSON.stringify({ default: { a: 1 } }) }),
      ).rejects.toMatchObject({ name: 'InvalidParameterException' });
      await expect(
        rawPublish({ MessageStructure: 'json', Message: 'not json' }),
      ).rejects.toMatchObject({ name: 'InvalidParameterException' });
      expect(sns.published).toEqual([]);
    });

    it('counts message, subject and attributes against the 256 KiB limit', async () => {
      const subject = 'Size check';
      const attributes = { kind: { DataType: 'String', StringValue: 'ready' } };
      const attributeBytes = 'kind'.length + 'String'.length + 'ready'.length;
      const room = SNS_MAX_MESSAGE_BYTES - subject.length - attributeBytes;

      await expect(
        rawPublish({ Subject: subject, MessageAttributes: attributes, Message: 'x'.repeat(room) }),
      ).resolves.toHaveProperty('MessageId');
      await expect(
        rawPublish({
          Subject: subject,
          MessageAttributes: attributes,
          Message: 'x'.repeat(room + 1),
        }),
      ).rejects.toMatchObject({
        name: 'InvalidParameterException',
        message: 'Invalid parameter: Message too long',
      });
      // Bytes, not characters: 131,073 characters, but 262,145 bytes.
      await expect(rawPublish({ Message: `${'é'.repeat(131_072)}x` })).rejects.toMatchObject({
        name: 'InvalidParameterException',
      });
      expect(sns.published).toHaveLength(1);
    });

    it('refuses a message attribute without a value', async () => {
      await expect(
        rawPublish({ MessageAttributes: { kind: { DataType: 'String' } } }),
      ).rejects.toMatchObject({ name: 'InvalidParameterValueException' });
    });

    it('refuses a topic it does not know', async () => {
      await expect(
        rawPublish({ TopicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:no-such-topic` }),
      ).rejects.toMatchObject({ name: 'NotFoundException', message: 'Topic does not exist' });
    });
  });

  describe('when SNS fails', () => {
    it('rejects with a NotificationError carrying the SDK error once retries are spent', async () => {
      const notifier = createSnsNotifier({ client: snsClient(), topicArn: TOPIC });
      sns.failNext(3);

      const failure = notifier.publish(transition());

      await expect(failure).rejects.toBeInstanceOf(NotificationError);
      await expect(failure).rejects.toThrow(
        /ready notification for amazon\.titan-text-express-v1 in us-east-1 .*InternalErrorException/,
      );
      const error = await failure.catch((caught: unknown) => caught);
      expect((error as NotificationError).cause).toMatchObject({ name: 'InternalErrorException' });
      expect(sns.published).toEqual([]);
    });

    it('lets the SDK retry absorb one transient failure', async () => {
      const notifier = createSnsNotifier({ client: snsClient(), topicArn: TOPIC });
      sns.failNext(1);

      await notifier.publish(transition());

      expect(sns.published).toHaveLength(1);
    });

    it('rejects without retrying when SNS refuses the request', async () => {
      const notifier = createSnsNotifier({ client: snsClient(), topicArn: TOPIC });
      sns.failNext(1, 'AuthorizationError');

      const error = await notifier.publish(transition()).catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(NotificationError);
      expect((error as NotificationError).cause).toMatchObject({
        name: 'AuthorizationErrorException',
      });
    });

    it('rejects while SNS is down and publishes again once it is back', async () => {
      const notifier = createSnsNotifier({
        client: snsClient({ maxAttempts: 1 }),
        topicArn: TOPIC,
      });
      sns.setDown(true);

      await expect(notifier.publish(transition())).rejects.toBeInstanceOf(NotificationError);

      sns.setDown(false);
      await notifier.publish(transition());
      expect(sns.published).toHaveLength(1);
    });
  });
});
