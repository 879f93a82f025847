/**
 * The eventBusName setting: off by default (no environment variable, no PutEvents right); set,
 * the function gets EVENT_BUS_NAME and events:PutEvents on exactly that bus.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type CfnTemplate, iamStatements, readTemplate, resource } from './support/cfn-template.ts';
import { packagedStack } from './support/serverless-package.ts';

let off: CfnTemplate;
let named: CfnTemplate;

beforeAll(async () => {
  const [defaults, withBus] = await Promise.all([
    packagedStack(),
    packagedStack({ params: { eventBusName: 'ops-events' } }),
  ]);
  for (const run of [defaults, withBus]) {
    if (run.code !== 0) throw new Error(`serverless package failed:\n${run.output}`);
  }
  off = readTemplate(defaults.outDir);
  named = readTemplate(withBus.outDir);
}, 180_000);

function putEventsStatements(template: CfnTemplate) {
  return iamStatements(template).filter(({ statement }) =>
    JSON.stringify(statement).includes('events:PutEvents'),
  );
}

function environmentOf(template: CfnTemplate): Record<string, unknown> {
  const environment = resource(template, 'MonitorLambdaFunction').Properties?.Environment as
    | { Variables: Record<string, unknown> }
    | undefined;
  return environment?.Variables ?? {};
}

describe('the eventBusName setting', () => {
  it('is off by default: no PutEvents right, and the variable is left out', () => {
    expect(putEventsStatements(off)).toEqual([]);
    expect(off.Resources.PutEventsPolicy).toBeUndefined();
    expect(off.Conditions?.SendToEventBus).toEqual({ 'Fn::Not': [{ 'Fn::Equals': ['', ''] }] });
    const variables = environmentOf(off);
    expect(variables.EVENT_BUS_NAME).toEqual({
      'Fn::If': ['SendToEventBus', '', { Ref: 'AWS::NoValue' }],
    });
  });

  it('grants events:PutEvents on exactly the named bus, to the function role only', () => {
    const statements = putEventsStatements(named);
    expect(statements.map(({ owner }) => owner)).toEqual(['PutEventsPolicy']);
    expect(statements[0]?.statement).toEqual({
      Sid: 'SendEventsToBus',
      Effect: 'Allow',
      Action: ['events:PutEvents'],
      Resource: [
        {
          'Fn::Sub':
            // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax
            'arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/ops-events',
        },
      ],
    });
    expect(resource(named, 'PutEventsPolicy').Properties?.Roles).toEqual([
      { Ref: 'IamRoleLambdaExecution' },
    ]);
    expect(named.Conditions?.SendToEventBus).toEqual({
      'Fn::Not': [{ 'Fn::Equals': ['ops-events', ''] }],
    });
    const variables = environmentOf(named);
    expect(variables.EVENT_BUS_NAME).toEqual({
      'Fn::If': ['SendToEventBus', 'ops-events', { Ref: 'AWS::NoValue' }],
    });
  });
});
