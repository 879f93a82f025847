import type {
  AttributeDefinition,
  CreateTableCommandInput,
  KeySchemaElement,
} from '@aws-sdk/client-dynamodb';

/**
 * The state table, described once: the test bed creates it from these constants and the
 * stack's template is checked against them, so code, tests and serverless.yml cannot drift.
 */
export const STATE_TABLE_KEY_SCHEMA: readonly KeySchemaElement[] = [
  { AttributeName: 'pk', KeyType: 'HASH' },
  { AttributeName: 'sk', KeyType: 'RANGE' },
];

export const STATE_TABLE_ATTRIBUTE_DEFINITIONS: readonly AttributeDefinition[] = [
  { AttributeName: 'pk', AttributeType: 'S' },
  { AttributeName: 'sk', AttributeType: 'S' },
];

/** On-demand: a few dozen requests every few minutes is far below any provisioned minimum. */
export const STATE_TABLE_BILLING_MODE = 'PAY_PER_REQUEST';

/** Epoch seconds after which DynamoDB deletes a history item. State items never carry it. */
export const STATE_TABLE_TTL_ATTRIBUTE = 'expiresAt';

/** CreateTable input for the state table (fresh copies, safe to hand to the SDK). */
export function stateTableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    KeySchema: STATE_TABLE_KEY_SCHEMA.map((key) => ({ ...key })),
    AttributeDefinitions: STATE_TABLE_ATTRIBUTE_DEFINITIONS.map((attribute) => ({ ...attribute })),
    BillingMode: STATE_TABLE_BILLING_MODE,
  };
}
