import { setTimeout as sleep } from 'node:timers/promises';
import { createBedrockClientCache } from '../../bedrock/bedrock-clients.ts';
import { parseModelTarget } from '../../diagnose/target.ts';
import { liveProgressLine, loggedProgress } from '../../request/grant-progress.ts';
import { type RequestOutcome, requestAccess } from '../../request/request-access.ts';
import { askOnTerminal, isYes } from '../../request/terminal-prompt.ts';
import { type CliIo, EXIT } from '../cli-io.ts';
import { DEFAULT_MAX_ATTEMPTS, DEFAULT_REQUEST_TIMEOUT_SECONDS } from '../defaults.ts';
import { parseIntegerOption, parseOptions } from '../parse-options.ts';

const DEFAULT_TIMEOUT_SECONDS = 900;
const DEFAULT_INTERVAL_SECONDS = 5;

export const REQUEST_HELP = `Usage: bedrock-access-monitor request MODEL --region REGION [options]

Requests access to a model in a region, the way the console's "Request access" did, with
your default AWS credentials, then watches the grant until it is ENABLED, FAILED or the
timeout comes:
  1. GetFoundationModelAvailability: already ENABLED ends here; PENDING (IN_PROGRESS) is
     only watched, not requested again
  2. ListFoundationModelAgreementOffers: prints the offer (prices and terms)
  3. asks "Request access to MODEL in REGION? This accepts the provider's terms. [y/N]"
  4. CreateFoundationModelAgreement (an agreement that already exists is watched)
  5. GetFoundationModelAvailability every --interval seconds, with a live progress line

Requesting access accepts the provider's terms. Without a terminal to ask (CI, a pipe),
nothing is requested unless --yes is given.

Options:
  --region REGION       the region (required)
  --yes                 accept the provider's terms without asking
  --timeout SECONDS     stop watching after this long (default: ${DEFAULT_TIMEOUT_SECONDS}; Marketplace
                        subscriptions can take 15 minutes)
  --interval SECONDS    time between two looks at the grant (default: ${DEFAULT_INTERVAL_SECONDS})
  -h, --help            show this help

Exit codes: 0 ENABLED (now or already); 4 not granted: the agreement FAILED (its error is
printed), or the model cannot be requested here (not offered, NOT_AUTHORIZED); 5 the timeout
came first (the request stands: run again to keep watching); 1 an error (no credentials,
Bedrock refused a call), or you answered no; 2 wrong usage, or no terminal and no --yes
(nothing requested).

The caller needs bedrock:GetFoundationModelAvailability,
bedrock:ListFoundationModelAgreementOffers, bedrock:CreateFoundationModelAgreement and, for
third-party models, aws-marketplace:Subscribe and aws-marketplace:ViewSubscriptions.`;

/** Exit codes of `request` beyond the CLI's 0, 1 and 2. */
export const REQUEST_EXIT: Record<RequestOutcome, number> = {
  enabled: EXIT.ok,
  'not-granted': 4,
  'timed-out': 5,
  refused: EXIT.usage,
  declined: EXIT.error,
};

/** What `request` takes from its surroundings; tests replace the clock, the prompt, the TTY. */
export interface RequestCommandDeps {
  /** Milliseconds, like Date.now. */
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** Asks the person at the terminal one question; resolves with the answer typed. */
  ask: (question: string) => Promise<string>;
  /** Writes to the terminal without a newline: the live progress line. */
  write: (text: string) => void;
}

const TERMINAL: RequestCommandDeps = {
  now: Date.now,
  sleep: (ms) => sleep(ms),
  ask: askOnTerminal,
  write: (text) => process.stdout.write(text),
};

/** Builds `request` with its clock, prompt and terminal; the CLI uses the real ones. */
export function createRequestCommand(overrides: Partial<RequestCommandDeps> = {}) {
  const deps = { ...TERMINAL, ...overrides };
  return async (args: string[], io: CliIo): Promise<number> => {
    const { values, positionals } = parseOptions(
      'request',
      args,
      {
        region: { type: 'string' },
        yes: { type: 'boolean' },
        timeout: { type: 'string' },
        interval: { type: 'string' },
      },
      true,
    );
    if (values.help) {
      io.out(REQUEST_HELP);
      return EXIT.ok;
    }
    const target = parseModelTarget('request', positionals, values.region);
    const timeoutSeconds = parseIntegerOption(
      'timeout',
      values.timeout,
      DEFAULT_TIMEOUT_SECONDS,
      1,
      86_400,
    );
    const intervalSeconds = parseIntegerOption(
      'interval',
      values.interval,
      DEFAULT_INTERVAL_SECONDS,
      1,
      3600,
    );
    if (target.invokeVia !== target.modelId) {
      io.out(
        `${target.invokeVia} is an inference profile; access is granted per model: requesting ${target.modelId}.`,
      );
    }
    const bedrock = createBedrockClientCache({
      requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_SECONDS * 1000,
      maxAttempts: DEFAULT_MAX_ATTEMPTS,
    })(target.region);
    try {
      const outcome = await requestAccess(
        {
          bedrock,
          clock: { now: deps.now, sleep: deps.sleep },
          confirm: io.interactive ? async (question) => isYes(await deps.ask(question)) : undefined,
          out: (line) => io.out(line),
          err: (line) => io.err(line),
          progress: io.interactive
            ? liveProgressLine(deps.write)
            : loggedProgress((line) => io.out(line)),
        },
        { modelId: target.modelId, region: target.region },
        {
          yes: values.yes === true,
          intervalMs: intervalSeconds * 1000,
          timeoutMs: timeoutSeconds * 1000,
        },
      );
      return REQUEST_EXIT[outcome];
    } finally {
      bedrock.destroy();
    }
  };
}

/** `request`: request access to a model in a region and watch the grant until it settles. */
export const requestCommand = createRequestCommand();
