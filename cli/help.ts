/** The CLI's help text, from the flag table. */
import { type Command, flagsOf } from './flags';

const BIN = 'service-connection-rotator';

const ABOUT: Record<Command, { usage: string; short: string; what: string }> = {
  report: {
    usage: `${BIN} report --organization URL [flags]`,
    short: 'Report how soon the credentials of AzureRM service connections stop working (read-only).',
    what: 'Finds the AzureRM service connections and reports how soon their credentials stop working. Reads only.',
  },
  rotate: {
    usage: `${BIN} rotate --organization URL [flags]`,
    short: 'Report, then rotate the client secrets that are due, with zero downtime.',
    what: 'Reports, then rotates the client secrets that are due, with zero downtime (mint, prove, switch, confirm; revoke after the grace period).',
  },
  migrate: {
    usage: `${BIN} migrate --organization URL [flags]`,
    short: 'Move secret connections to workload identity federation.',
    what: 'Moves secret connections to workload identity federation (a federated credential on the app, then Azure DevOps converts the connection); a later run, after the revert window, removes the passwords this tool minted for them. Try --dry-run first.',
  },
  'revert-migration': {
    usage: `${BIN} revert-migration --organization URL [flags]`,
    short: "Undo a migration within Azure DevOps' revert window.",
    what: "Converts migrated connections back to their secret, within Azure DevOps' revert window (7 days).",
  },
  'merge-reports': {
    usage: `${BIN} merge-reports [--json FILE] [--summary FILE] REPORT.json...`,
    short: 'Merge the JSON reports of several runs into one table, report and summary.',
    what: "Merges the JSON reports of several runs (the task's reportPath, this CLI's --json) into one table, report and summary.",
  },
};

const ENVIRONMENT = [
  'Environment:',
  '  AZURE_DEVOPS_EXT_PAT            Azure DevOps personal access token (the Azure DevOps CLI name); without it',
  '                                  Azure DevOps is called with an Entra token of the rotator identity.',
  '  AZURE_TENANT_ID, AZURE_CLIENT_ID  The rotator identity (reads and writes app credentials in Graph), with',
  '  AZURE_CLIENT_SECRET             its client secret, or',
  '  AZURE_CLIENT_CERTIFICATE_PATH   a PEM file holding its certificate and private key (PFX and passwords: not supported).',
  '                                  With neither a secret nor a certificate set (and no AZURE_CLIENT_ID), the',
  "                                  signed-in Azure CLI is the rotator ('az login'; tenant from AZURE_TENANT_ID",
  "                                  or 'az account show'); it must be able to write the apps' credentials.",
  '  NO_COLOR                        No color in the table (color is used only on a terminal).',
];

const EXIT = [
  'Exit status: 0 succeeded (issues are printed), 1 failed by the thresholds or a failure, 2 invalid usage (nothing sent).',
];

/** Help for `command`, or the overview. */
export function helpText(command?: Command): string {
  if (!command) {
    return [
      `Usage: ${BIN} <command> [flags]`,
      '',
      'Commands:',
      ...(Object.keys(ABOUT) as Command[]).map((c) => `  ${c.padEnd(18)}${ABOUT[c].short}`),
      '',
      `Run '${BIN} <command> --help' for its flags. '${BIN} --version' prints the version.`,
      '',
      ...ENVIRONMENT,
      '',
      ...EXIT,
      '',
    ].join('\n');
  }
  const rows = flagsOf(command).map((f) => {
    const left = `  --${f.name}${f.value ? ` ${f.value}` : ''}`;
    const extra = [f.multiple ? 'repeatable' : '', f.defaultText ? `default: ${f.defaultText}` : '']
      .filter(Boolean)
      .join(', ');
    return `${left.padEnd(34)}${f.help}${extra ? ` (${extra})` : ''}`;
  });
  const run = command !== 'merge-reports';
  return [
    `Usage: ${ABOUT[command].usage}`,
    '',
    ABOUT[command].what,
    '',
    ...(rows.length > 1 || command === 'merge-reports' ? ['Flags:', ...rows, ''] : []),
    ...(run ? [...ENVIRONMENT, ''] : []),
    ...EXIT,
    '',
  ].join('\n');
}
