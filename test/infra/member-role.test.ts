import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, type ScalarTag } from 'yaml';
import { CfnSchemaValidator } from './support/cfn-schema-validator.ts';

const TEMPLATE_PATH = new URL('../../member-role/template.yml', import.meta.url);

/** The template, CloudFormation's short-form tags (!Ref, !Sub, !GetAtt: scalars here) in long form. */
function readMemberRoleTemplate() {
  const tags: ScalarTag[] = [
    { tag: '!Ref', resolve: (value: string) => ({ Ref: value }) },
    { tag: '!Sub', resolve: (value: string) => ({ 'Fn::Sub': value }) },
    { tag: '!GetAtt', resolve: (value: string) => ({ 'Fn::GetAtt': value.split('.') }) },
  ];
  return parse(readFileSync(TEMPLATE_PATH, 'utf8'), { customTags: tags }) as {
    Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    Parameters: Record<string, { Default?: string; AllowedPattern?: string }>;
  };
}

describe('member-role/template.yml', () => {
  const template = readMemberRoleTemplate();
  const role = template.Resources.ReadRole;

  it('passes the official CloudFormation schema checks, as the stack does', () => {
    const validator = new CfnSchemaValidator();

    const problems = Object.entries(template.Resources).flatMap(([id, r]) =>
      validator.validate(r.Type, r.Properties).map((p) => `${id} ${p.path}: ${p.message}`),
    );

    expect(Object.values(template.Resources).map((r) => r.Type)).toEqual(['AWS::IAM::Role']);
    expect(problems).toEqual([]);
  });

  it('grants only the Bedrock read the worker calls: no wildcard action, no managed policy', () => {
    const statements = (
      (role?.Properties.Policies ?? []) as Array<{
        PolicyDocument: { Statement: Array<{ Action: string[]; Effect: string }> };
      }>
    ).flatMap((policy) => policy.PolicyDocument.Statement);

    expect(statements.flatMap((statement) => statement.Action)).toEqual([
      'bedrock:GetFoundationModelAvailability',
    ]);
    expect(statements.every((statement) => statement.Effect === 'Allow')).toBe(true);
    expect(
      statements.flatMap((statement) => statement.Action).filter((a) => a.includes('*')),
    ).toEqual([]);
    expect(role?.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it('trusts only the hub worker role, from inside the organization, with the external id when given', () => {
    const trust = role?.Properties.AssumeRolePolicyDocument as {
      Statement: Array<{ Principal: unknown; Action: string; Condition: { 'Fn::If': unknown[] } }>;
    };

    expect(trust.Statement).toHaveLength(1);
    const [statement] = trust.Statement;
    expect(statement?.Action).toBe('sts:AssumeRole');
    const [, withId, withoutId] = statement?.Condition['Fn::If'] ?? [];
    for (const condition of [withId, withoutId]) {
      expect(condition).toMatchObject({
        ArnEquals: {
          'aws:PrincipalArn': {
            // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax
            'Fn::Sub': 'arn:${AWS::Partition}:iam::${HubAccountId}:role/${WorkerRoleName}',
          },
        },
        StringEquals: { 'aws:PrincipalOrgID': { Ref: 'OrganizationId' } },
      });
    }
    expect(withId).toMatchObject({ StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } } });
  });

  it('defaults the role name to the one the config examples use, with the IAM pattern the config checks', () => {
    expect(template.Parameters.RoleName?.Default).toBe('bedrock-access-monitor-read');
    expect(new RegExp(template.Parameters.RoleName?.AllowedPattern ?? '').test('bad role')).toBe(
      false,
    );
  });
});
