import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WorkMessageError } from '../../src/errors.ts';
import { parseWorkMessage, workMessageBody } from '../../src/organization/work-message.ts';

describe('the work message', () => {
  it('reads back what the planner writes, for any account, name and instant', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^\d{12}$/),
        fc.option(fc.string({ minLength: 1, maxLength: 128 })),
        fc.integer({ min: 0, max: 4_102_444_800_000 }),
        (account, name, ms) => {
          const body = workMessageBody({ id: account, name }, new Date(ms));

          expect(parseWorkMessage(body)).toEqual({
            schema: 'bedrock-access-monitor/check-account/v1',
            account,
            accountName: name,
            scheduledAt: new Date(ms).toISOString(),
          });
        },
      ),
    );
  });

  it.each([
    ['not JSON', 'not json'],
    [
      'another schema',
      '{"schema":"x","account":"111111111111","accountName":null,"scheduledAt":"2026-11-24T12:00:00Z"}',
    ],
    [
      'a numeric account',
      '{"schema":"bedrock-access-monitor/check-account/v1","account":111111111111,"accountName":null,"scheduledAt":"2026-11-24T12:00:00Z"}',
    ],
    [
      'a local time',
      '{"schema":"bedrock-access-monitor/check-account/v1","account":"111111111111","accountName":null,"scheduledAt":"2026-11-24T12:00:00"}',
    ],
  ])('refuses %s with a WorkMessageError', (_, body) => {
    expect(() => parseWorkMessage(body)).toThrow(WorkMessageError);
  });
});
