import type { TransitionEvent, TransitionKind } from '../grants/types.ts';
import { consoleLink, describeVerification, nextStep } from './next-steps.ts';

// SNS refuses a Subject of 100 characters or more, and one with line breaks or non-ASCII.
const SUBJECT_LIMIT = 99;

const HEADLINES: Record<TransitionKind, string> = {
  ready: 'Bedrock model access is ready.',
  revoked: 'Bedrock model access was revoked.',
  failed: 'Bedrock model access failed.',
  requested: 'Bedrock model access was requested and is in progress.',
  changed: 'Bedrock model access changed.',
  blocked: 'Bedrock reports model access as enabled, but a call to the model fails.',
};

/** `Bedrock access ready: amazon.titan-text-express-v1 in us-east-1`, shortened to fit SNS. */
export function renderSubject(
  event: Pick<TransitionEvent, 'kind' | 'modelId' | 'region' | 'account' | 'accountName'>,
): string {
  const ascii = (text: string) => text.replace(/[^\x20-\x7e]/g, '?');
  const prefix = `Bedrock access ${event.kind}: `;
  // Organization mode names the account: its name where Organizations gave one, else its id.
  const account =
    event.accountName === undefined ? '' : `, account ${ascii(event.accountName ?? event.account)}`;
  const suffix = ` in ${ascii(event.region)}${account}`;
  let model = ascii(event.modelId);
  const room = SUBJECT_LIMIT - prefix.length - suffix.length;
  if (model.length > room) model = `${model.slice(0, Math.max(room - 3, 0))}...`;
  return `${prefix}${model}${suffix}`.slice(0, SUBJECT_LIMIT);
}

/** The plain-text alert a person can act on: what changed, where, since when, what next. */
export function renderAlertText(event: TransitionEvent): string {
  const lines = [
    HEADLINES[event.kind],
    '',
    `Model:    ${event.modelId}`,
    `Region:   ${event.region}`,
    `Account:  ${event.accountName ? `${event.accountName} (${event.account})` : event.account}`,
    `Change:   ${event.from ?? '(none)'} -> ${event.to}`,
    `Observed: ${formatTime(event.observedAt)}`,
  ];
  if (event.previousSince !== null) {
    lines.push(`${event.from ?? 'Previous state'} since: ${formatTime(event.previousSince)}`);
  }
  lines.push('', 'What Bedrock reports:', ...rawLines(event));
  if (event.verification !== undefined) {
    lines.push('', 'Verification:', `  ${describeVerification(event.verification)}`);
  }
  lines.push('', 'What to do next:', `  ${nextStep(event)}`);
  lines.push('', `Bedrock console: ${consoleLink(event.region)}`, `Event id: ${event.eventId}`);
  return lines.join('\n');
}

function rawLines(event: TransitionEvent): string[] {
  const { raw } = event;
  if (raw.region === null && raw.agreement === null) {
    return ['  the model does not exist in this region (ResourceNotFoundException)'];
  }
  const lines = [
    `  agreement:     ${raw.agreement}`,
    `  authorization: ${raw.authorization}`,
    `  entitlement:   ${raw.entitlement}`,
    `  region:        ${raw.region}`,
  ];
  if (raw.agreementError !== null) lines.splice(1, 0, `  agreement error: ${raw.agreementError}`);
  return lines;
}

/** `2026-11-24 10:05 UTC`: readable, and unambiguous across time zones. */
export function formatTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}
