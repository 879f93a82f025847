'use strict';

// Local Serverless plugin: refuses a `serverless deploy` of the whole stack that the next
// deploy would not repeat, or that would remove the alert subscriptions.
//
// The defect it closes: settings given with --param are not remembered, so "edit the config and
// deploy again" removed the email subscription and the Slack channel. A deploy therefore takes
// every setting from the stage's file, stages/<stage>.yml, which the user keeps in the
// repository. What was deployed before cannot be read offline; what can be checked is that the
// file exists, names the region, and that a file without any subscription says so on purpose
// (allowDroppingSubscriptions: true): dropping the last subscription of a stage is then a line
// someone wrote and committed, not a forgotten option. `serverless package` is not refused: it
// deploys nothing, and the tests package with --param.

const { stageFilePath } = require('./stage-file.cjs');

/**
 * What makes a deploy with these resolved settings (stack-settings.cjs) unsafe; empty when it
 * may go ahead.
 */
function deployProblems(settings, stage) {
  const file = settings.stageFile ?? stageFilePath(stage);
  if (!settings.stageFileFound) {
    return [
      `There is no settings file for the stage "${stage}": create ${file} (copy stages/example.yml), put the stage's region and alert settings in it and commit it. Every deploy of the stage reads it, so a redeploy keeps the alerts.`,
    ];
  }
  const problems = [];
  if (settings.settingsFromParams.length > 0) {
    problems.push(
      `${settings.settingsFromParams.map((name) => `--param ${name}`).join(', ')}: a deploy takes its settings from ${file} only, because a --param is not remembered and the next deploy without it would switch it off. Put ${settings.settingsFromParams.length === 1 ? 'it' : 'them'} in ${file}.`,
    );
  }
  if (settings.stageFileRegion === '') {
    problems.push(
      `${file} has no region: add "region: ${settings.region}" so that every deploy of the stage goes to the same stack.`,
    );
  }
  if (!settings.stageFileSubscribes && !settings.allowDroppingSubscriptions) {
    problems.push(
      `${file} subscribes nobody to the alerts (no alertEmail, no slackWorkspaceId and slackChannelId): this deploy would remove any subscription an earlier deploy made. Add the subscriptions, or "allowDroppingSubscriptions: true" if the stage is meant to have none.`,
    );
  }
  return problems;
}

class DeployGuardPlugin {
  constructor(serverless, options, utils) {
    this.serverless = serverless;
    this.options = options ?? {};
    this.log = utils?.log;
    // `initialize` is the first lifecycle event of every command, before anything is packaged
    // or any AWS call; `deploy function` only replaces the code, and `deploy list` reads.
    this.hooks = {
      initialize: () => {
        const command = this.serverless.processedInput?.commands?.join(' ');
        if (command === 'deploy' && !this.options.function) this.check();
      },
    };
  }

  check() {
    const settings = this.serverless.service.custom.settings;
    const stage = this.serverless.service.provider.stage;
    const problems = deployProblems(settings, stage);
    if (problems.length === 0) {
      this.log?.notice?.(`Deploying with the settings of ${settings.stageFile}`);
      return;
    }
    throw new this.serverless.classes.Error(
      `Nothing was deployed:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`,
    );
  }
}

module.exports = DeployGuardPlugin;
module.exports.deployProblems = deployProblems;
