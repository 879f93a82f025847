import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { describeError, NotificationError } from '../errors.ts';
import type { AnnouncedEvent } from '../events/announced-event.ts';
import type { Notifier } from './notifier.ts';
import { renderNotification } from './render-notification.ts';

export interface SnsNotifierOptions {
  /**
   * Created by the caller, once per region and reused. Its endpoint comes from the SDK's own
   * resolution (AWS_ENDPOINT_URL_SNS included), never from here.
   */
  client: SNSClient;
  topicArn: string;
}

/** Publishes each transition to one SNS topic, one Publish per event. */
export function createSnsNotifier({ client, topicArn }: SnsNotifierOptions): Notifier {
  return {
    async publish(event: AnnouncedEvent): Promise<void> {
      const command = new PublishCommand({ TopicArn: topicArn, ...renderNotification(event) });
      try {
        await client.send(command);
      } catch (error) {
        throw new NotificationError(
          `SNS did not accept the ${event.kind} notification for ${event.modelId}${'region' in event ? ` in ${event.region}` : ''} (event ${event.eventId}, topic ${topicArn}): ${describeError(error)}`,
          { cause: error },
        );
      }
    },
  };
}

/** A notifier with a client of its own, in the topic's region (the Lambda's, created once). */
export function createTopicNotifier(topicArn: string, region: string): Notifier {
  return createSnsNotifier({ client: new SNSClient({ region }), topicArn });
}
