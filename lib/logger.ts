/**
 * Where the library's diagnostics go. The library never prints; the pipeline task routes these to
 * task-lib (debug lines, grouped logs), tests collect them. Messages never contain secrets.
 */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A logger that drops everything. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};
