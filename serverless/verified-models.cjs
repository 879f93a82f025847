'use strict';

// bedrock:InvokeModel for the verification call (src/verify/converse-verifier.ts), granted only
// on the models whose entry in config/watched-models.yml has `verify`, in their regions, and
// not at all when no model has it. A JS variable source: serverless.yml lists its result under
// `resources`, so with no verified model the stack has no such policy.
//
// The config's own validation runs in validate-watched-models.cjs before packaging; this file
// reads it leniently, so a broken config is reported there with its line and column.

const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { parse } = require('yaml');

const CONFIG_PATH = join(__dirname, '..', 'config', 'watched-models.yml');

/** [{ id, regions, profile }] of the models with `verify`, or [] when the config is unreadable. */
function verifiedModels(configText) {
  let config;
  try {
    config = parse(configText);
  } catch {
    return [];
  }
  if (!config || !Array.isArray(config.models) || !Array.isArray(config.regions)) return [];
  return config.models
    .filter(
      (model) => model && typeof model.id === 'string' && model.verify && model.verify !== false,
    )
    .map((model) => ({
      id: model.id,
      regions: Array.isArray(model.regions) ? model.regions : config.regions,
      profile: typeof model.verify === 'object' ? model.verify.inferenceProfile : undefined,
    }));
}

/**
 * The ARNs to invoke. Through a model id: the foundation model in each watched region.
 * Through a cross-region inference profile: the profile in each watched region, and the
 * foundation model in whichever region the profile routes the call to, which is why that ARN
 * names every region (the pattern of the Bedrock user guide, "Prerequisites for inference
 * profiles").
 */
function invokeResources(models) {
  return models.flatMap(({ id, regions, profile }) => {
    if (profile === undefined) {
      return regions.map((region) => ({
        'Fn::Sub': `arn:\${AWS::Partition}:bedrock:${region}::foundation-model/${id}`,
      }));
    }
    return [
      ...regions.map((region) => ({
        'Fn::Sub': `arn:\${AWS::Partition}:bedrock:${region}:\${AWS::AccountId}:inference-profile/${profile}`,
      })),
      { 'Fn::Sub': `arn:\${AWS::Partition}:bedrock:*::foundation-model/${id}` },
    ];
  });
}

/** The `resources` fragment: the policy, or nothing when no model is verified. */
function resourcesFor(configText) {
  const models = verifiedModels(configText);
  if (models.length === 0) return {};
  return {
    Resources: {
      VerifiedModelsInvokePolicy: {
        Type: 'AWS::IAM::Policy',
        Properties: {
          PolicyName: 'invoke-verified-models',
          Roles: [{ Ref: 'IamRoleLambdaExecution' }],
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'VerifyModelAccess',
                Effect: 'Allow',
                Action: ['bedrock:InvokeModel'],
                Resource: invokeResources(models),
              },
            ],
          },
        },
      },
    },
  };
}

module.exports = () => ({ resources: resourcesFor(readFileSync(CONFIG_PATH, 'utf8')) });
module.exports.resourcesFor = resourcesFor;
