import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from '../errors.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs, with its errors turned into a UsageError that names the command. */
export function parseOptions<T extends Options>(
  command: string,
  args: string[],
  options: T,
  allowPositionals = false,
) {
  try {
    return parseArgs({
      args: attachNegativeValues(args, options),
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals,
      strict: true,
    });
  } catch (error) {
    const message = (error as Error).message.replace(/\. To specify a positional argument.*$/, '');
    throw new UsageError(
      `${command}: ${message}. See \`bedrock-access-monitor ${command} --help\`.`,
    );
  }
}

/**
 * `--deadline -5` as `--deadline=-5`. parseArgs takes a value that starts with "-" for an
 * option and refuses it as "ambiguous", so the number would never reach the check that says
 * what is wrong with it.
 */
function attachNegativeValues(args: readonly string[], options: Options): string[] {
  const attached: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] as string;
    const next = args[index + 1];
    if (arg === '--') {
      attached.push(...args.slice(index));
      break;
    }
    const takesValue = arg.startsWith('--') && options[arg.slice(2)]?.type === 'string';
    if (takesValue && next !== undefined && /^-\d/.test(next)) {
      attached.push(`${arg}=${next}`);
      index += 1;
    } else {
      attached.push(arg);
    }
  }
  return attached;
}

/** A whole number within bounds, or a UsageError naming the flag. */
export function parseIntegerOption(
  flag: string,
  value: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) {
    throw new UsageError(`--${flag} must be a whole number from ${min} to ${max}, not "${value}".`);
  }
  return number;
}
