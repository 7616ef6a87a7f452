/** Invalid usage: the CLI exits 2 and has sent nothing. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
