import type { RotatorError } from '../lib';

/** Invalid usage: the CLI exits 2 and has sent nothing. */
export class UsageError extends Error {
  override readonly name = 'UsageError';

  /** The library's refusal of what the user gave, as invalid usage: its message, then its fix. */
  static from(error: RotatorError): UsageError {
    const message = /[.!?]$/.test(error.message) ? error.message : `${error.message}.`;
    return new UsageError(`${message} ${error.fix ?? ''}`.trim());
  }
}
