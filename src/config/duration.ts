/**
 * Durations in the config, written as a whole number and a unit: `30m`, `2h`, `1d`. The
 * validated config holds them as whole milliseconds, so nothing after validation parses text.
 */

export const DURATION_PATTERN = /^([1-9]\d{0,5})(m|h|d)$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `30m` -> 1_800_000; undefined for anything that is not a duration. */
export function parseDurationMs(text: string): number | undefined {
  const match = DURATION_PATTERN.exec(text);
  if (!match) return undefined;
  const [, amount, unit] = match;
  return Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
}
