import { UsageError } from '../errors.ts';

const EXAMPLE = 'a date like 2026-11-01 or 2026-11-01T12:00:00Z';
const DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})?)?$/;
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/**
 * `--since` as an ISO-8601 UTC instant. A day the calendar does not have (2026-02-30) or a time
 * past 23:59:59 is refused: Date.parse would roll it over into the next month or day.
 */
export function parseSince(value: string): string {
  const refuse = (why: string) =>
    new UsageError(`--since must be ${EXAMPLE}, not "${value}"${why}`);
  const match = DATE.exec(value);
  if (!match) throw refuse('.');
  const field = (index: number) => Number(match[index] ?? 0);
  const [year, month, day] = [field(1), field(2), field(3)];
  const [hour, minute, second] = [field(4), field(5), field(6)];
  if (month < 1 || month > 12) throw refuse(`: there is no month ${month}.`);
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > days) {
    throw refuse(`: ${MONTHS[month - 1]} ${year} has ${days} days.`);
  }
  if (hour > 23 || minute > 59 || second > 59) throw refuse(': the time is past 23:59:59.');
  const time = value.length === 10 ? Date.parse(`${value}T00:00:00Z`) : Date.parse(value);
  if (Number.isNaN(time)) throw refuse('.');
  return new Date(time).toISOString();
}
