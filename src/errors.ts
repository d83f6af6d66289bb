/**
 * An error in what the user gave (a scenario, a trace, an option): printed as one line, exit
 * code 2, never a stack trace. The message names the file and the line or key, and what was expected.
 */
export class UserError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}
