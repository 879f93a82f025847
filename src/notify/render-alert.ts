import { type AnnouncedEvent, isTransitionEvent } from '../events/announced-event.ts';
import type { TransitionEvent, TransitionKind } from '../grants/types.ts';
import { consoleLink, describeVerification, nextStep } from './next-steps.ts';
import { type Announcement, describeAnnouncement } from './render-announcement.ts';

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
  event:
    | Pick<TransitionEvent, 'kind' | 'modelId' | 'region' | 'account' | 'accountName'>
    | Announcement,
): string {
  if (event.kind === 'lifecycle' || event.kind === 'stuck' || event.kind === 'config') {
    const text = describeAnnouncement(event);
    return fitSubject(text.subjectPrefix, event.modelId, text.subjectSuffix);
  }
  // Organization mode names the account: its name where Organizations gave one, else its id.
  const account =
    event.accountName === undefined ? '' : `, account ${event.accountName ?? event.account}`;
  return fitSubject(
    `Bedrock access ${event.kind}: `,
    event.modelId,
    ` in ${event.region}${account}`,
  );
}

function fitSubject(prefix: string, modelId: string, regionSuffix: string): string {
  const ascii = (text: string) => text.replace(/[^\x20-\x7e]/g, '?');
  const suffix = ascii(regionSuffix);
  let model = ascii(modelId);
  const room = SUBJECT_LIMIT - prefix.length - suffix.length;
  if (model.length > room) model = `${model.slice(0, Math.max(room - 3, 0))}...`;
  return `${prefix}${model}${suffix}`.slice(0, SUBJECT_LIMIT);
}

/** The plain-text alert a person can act on: what changed, where, since when, what next. */
export function renderAlertText(event: AnnouncedEvent): string {
  if (!isTransitionEvent(event)) return renderAnnouncementText(event);
  const lines = [
    headline(event),
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

/** The first line; a `ready` after `blocked` says so. */
export function headline(event: TransitionEvent): string {
  if (event.kind === 'ready' && event.blockedSince !== undefined) {
    return `Bedrock model access works again: it was blocked since ${formatTime(event.blockedSince)}, and a verification call succeeds now.`;
  }
  if (event.kind === 'blocked' && event.from === event.to) {
    return 'Bedrock reports model access as enabled, but the periodic verification call now fails.';
  }
  return HEADLINES[event.kind];
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

function renderAnnouncementText(event: Announcement): string {
  const text = describeAnnouncement(event);
  return [
    text.headline,
    '',
    ...text.facts,
    '',
    'What to do next:',
    ...text.nextSteps.map((step) => `  - ${step}`),
    '',
    `Event id: ${event.eventId}`,
  ].join('\n');
}
