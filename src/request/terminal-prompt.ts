import { createInterface } from 'node:readline';

/** Asks one question on the terminal; an empty answer on Ctrl-C or end of input. */
export function askOnTerminal(question: string): Promise<string> {
  return new Promise((resolve) => {
    const readline = createInterface({ input: process.stdin, output: process.stdout });
    let answered = false;
    readline.on('SIGINT', () => readline.close());
    readline.on('close', () => {
      if (!answered) resolve('');
    });
    readline.question(question, (answer) => {
      answered = true;
      readline.close();
      resolve(answer);
    });
  });
}

/** Only an explicit yes counts: the default of the prompt is No. */
export function isYes(answer: string): boolean {
  return /^y(es)?$/i.test(answer.trim());
}
