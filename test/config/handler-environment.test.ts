import { describe, expect, it } from 'vitest';
import { readHandlerEnvironment } from '../../src/config/handler-environment.ts';
import { EnvironmentError } from '../../src/errors.ts';

const BASE = {
  STATE_TABLE_NAME: 'bedrock-access-monitor-dev-state',
  ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:bedrock-access-monitor-dev-alerts',
};

describe('readHandlerEnvironment and EVENT_BUS_NAME', () => {
  it('sends to no bus when EVENT_BUS_NAME is unset or empty', () => {
    expect(readHandlerEnvironment(BASE).eventBusName).toBeUndefined();
    expect(readHandlerEnvironment({ ...BASE, EVENT_BUS_NAME: '' }).eventBusName).toBeUndefined();
  });

  it('takes the default bus, a bus name, or a bus ARN', () => {
    for (const bus of [
      'default',
      'ops-events',
      'arn:aws:events:eu-west-1:123456789012:event-bus/ops-events',
    ]) {
      expect(readHandlerEnvironment({ ...BASE, EVENT_BUS_NAME: bus }).eventBusName).toBe(bus);
    }
  });

  it('refuses anything else, naming the variable and the value', () => {
    expect(() => readHandlerEnvironment({ ...BASE, EVENT_BUS_NAME: 'ops events' })).toThrow(
      new EnvironmentError(
        'The function\'s environment is not usable: EVENT_BUS_NAME must be an EventBridge bus name (default for the account\'s default bus) or ARN, or empty for none, got "ops events".',
      ),
    );
  });
});
