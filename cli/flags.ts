/**
 * The CLI's commands and flags, as data: the parser options (`node:util` `parseArgs`), the help
 * text and the link from a flag to the library option it sets all come from this one table.
 * Flags that set an option are that option's name in kebab-case (`--warning-days` sets
 * `warningDays`), which is also the task's input name (a test checks them against task.json).
 *
 * Why `util.parseArgs`: it ships with Node (no dependency to keep up to date), is strict about
 * unknown flags and missing values, and handles `--flag=value`, repeated flags and `--`; what it
 * lacks (help text, per-command flags) is this small table.
 */

export type Command = 'report' | 'rotate' | 'migrate' | 'revert-migration' | 'merge-reports';

export const COMMANDS: readonly Command[] = [
  'report',
  'rotate',
  'migrate',
  'revert-migration',
  'merge-reports',
];

export interface Flag {
  /** kebab-case, without the dashes. */
  name: string;
  type: 'string' | 'boolean';
  /** Shown in help after the flag, e.g. `DAYS`. */
  value?: string;
  multiple?: boolean;
  help: string;
  /** Shown as the default in help. */
  defaultText?: string;
  /** The commands that take it. */
  commands: readonly Command[];
  /** The `connect` option it sets: its name in camelCase. */
  setsOption?: boolean;
}

const RUN: readonly Command[] = ['report', 'rotate', 'migrate', 'revert-migration'];
const ROTATE: readonly Command[] = ['rotate'];
const CHANGE: readonly Command[] = ['rotate', 'migrate', 'revert-migration'];
const OUTPUT: readonly Command[] = [...RUN, 'merge-reports'];

export const FLAGS: readonly Flag[] = [
  {
    name: 'organization',
    type: 'string',
    value: 'URL',
    multiple: true,
    help: 'Organization URL, e.g. https://dev.azure.com/contoso. Repeat for several: one merged report.',
    commands: RUN,
  },
  {
    name: 'projects',
    type: 'string',
    value: 'LIST',
    help: "Project names, comma separated, or '*' for every project.",
    defaultText: '*',
    commands: RUN,
    setsOption: true,
  },
  {
    name: 'connections',
    type: 'string',
    value: 'LIST',
    help: "Connection names or wildcard patterns (*, ?), comma separated; a leading '!' excludes.",
    defaultText: '*',
    commands: RUN,
    setsOption: true,
  },
  {
    name: 'warning-days',
    type: 'string',
    value: 'DAYS',
    help: 'A secret expiring within this many days is a warning.',
    defaultText: '30',
    commands: RUN,
    setsOption: true,
  },
  {
    name: 'failure-days',
    type: 'string',
    value: 'DAYS',
    help: 'A secret expiring within this many days (or expired) fails the run (exit 1).',
    defaultText: '7',
    commands: RUN,
    setsOption: true,
  },
  {
    name: 'rotate-within-days',
    type: 'string',
    value: 'DAYS',
    help: 'Rotate when the secret in use expires within this many days.',
    defaultText: '30',
    commands: ROTATE,
    setsOption: true,
  },
  {
    name: 'secret-lifetime-days',
    type: 'string',
    value: 'DAYS',
    help: 'Lifetime of each new secret, 1 to 730.',
    defaultText: '180',
    commands: ROTATE,
    setsOption: true,
  },
  {
    name: 'revoke-after-hours',
    type: 'string',
    value: 'HOURS',
    help: 'Grace period before a secret (or, after a migration, a legacy federated credential) this tool superseded is removed.',
    defaultText: '24',
    commands: CHANGE,
    setsOption: true,
  },
  {
    name: 'automatic-connections',
    type: 'string',
    value: 'report|takeOver',
    help: "'takeOver' switches Automatic connections to Manual so they can be rotated.",
    defaultText: 'report',
    commands: ROTATE,
    setsOption: true,
  },
  {
    name: 'certificate-connections',
    type: 'string',
    value: 'report|rotate',
    help: "'rotate' also rotates due certificate connections: a new certificate is added to the app by read-merge-write of its certificate list, every other certificate kept.",
    defaultText: 'report',
    commands: ROTATE,
    setsOption: true,
  },
  {
    name: 'dry-run',
    type: 'boolean',
    help: 'Plan and report what would be done; change nothing.',
    commands: CHANGE,
  },
  {
    name: 'force-rotation',
    type: 'boolean',
    help: 'Rotate every connection in scope now, whatever its expiry (a leaked secret); with --revoke-after-hours 0 the superseded secret this product minted is revoked in the same run.',
    commands: ROTATE,
    setsOption: true,
  },
  {
    name: 'graph-url',
    type: 'string',
    value: 'URL',
    help: 'Microsoft Graph base URL.',
    defaultText: 'https://graph.microsoft.com',
    commands: RUN,
    setsOption: true,
  },
  {
    name: 'authority-host',
    type: 'string',
    value: 'URL',
    help: 'Entra ID authority host for every token request.',
    defaultText: 'https://login.microsoftonline.com',
    commands: RUN,
    setsOption: true,
  },
  {
    name: 'max-parallel',
    type: 'string',
    value: 'N',
    help: 'Requests in flight per service, 1 to 64.',
    defaultText: '8',
    commands: RUN,
    setsOption: true,
  },
  {
    name: 'json',
    type: 'string',
    value: 'FILE',
    help: 'Write the JSON report there (several organizations: one merged report).',
    commands: OUTPUT,
  },
  {
    name: 'summary',
    type: 'string',
    value: 'FILE',
    help: 'Write the Markdown summary there.',
    commands: OUTPUT,
  },
  {
    name: 'verbose',
    type: 'boolean',
    help: "The library's log lines on stderr.",
    commands: RUN,
  },
  { name: 'help', type: 'boolean', help: 'This help.', commands: COMMANDS },
];

/** `warning-days` → `warningDays`. */
export function camel(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** `warningDays` → `warning-days`. */
export function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** The flags of `command`. */
export function flagsOf(command: Command): Flag[] {
  return FLAGS.filter((f) => f.commands.includes(command));
}

/** `parseArgs` options for `command`. */
export function parseOptions(
  command: Command,
): Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {};
  for (const flag of flagsOf(command)) {
    options[flag.name] = {
      type: flag.type,
      ...(flag.multiple ? { multiple: true } : {}),
      ...(flag.name === 'help' ? { short: 'h' } : {}),
    };
  }
  return options;
}
