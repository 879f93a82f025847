/** Where the CLI writes; tests pass their own to read what a user would see. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Whether a person is at the keyboard (colours, confirmations). */
  interactive: boolean;
}

export const processIo: CliIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  interactive: Boolean(process.stdout.isTTY),
};

/** Exit codes, documented in the README. */
export const EXIT = {
  ok: 0,
  error: 1,
  usage: 2,
  /** The run completed but some checks failed (their pairs are UNKNOWN). */
  partial: 3,
} as const;
