/**
 * `report`, `rotate`, `migrate` and `revert-migration`: every organization bound (and so every option checked) before the first
 * request, then the library's job per organization, one after another. One organization's
 * failure does not stop the others; it is reported by its error code.
 */
import {
  connect,
  describeProblem,
  type InputProblem,
  InvalidInputError,
  type JobProgress,
  type Logger,
  type MigrationJobProgress,
  mergeReports,
  type Rotator,
  RotatorError,
  type RunFailure,
  type RunReport,
  redact,
} from '../lib';
import { identitiesFrom } from './environment';
import { camel, flagsOf, kebab } from './flags';
import { type CliIo, type ParsedValues, version } from './io';
import { networkFrom } from './network';
import { finish } from './output';
import { printable } from './table';
import { UsageError } from './usage-error';

/** Where a library option comes from on the command line. */
const SOURCES: Record<string, string> = {
  organizationUrl: "Flag '--organization'",
  'rotator.tenantId': "Variable 'AZURE_TENANT_ID'",
  'rotator.appId': "Variable 'AZURE_CLIENT_ID'",
  'rotator.credential.clientSecret': "Variable 'AZURE_CLIENT_SECRET'",
  'rotator.credential.pem': "Variable 'AZURE_CLIENT_CERTIFICATE_PATH'",
  'devOps.token': "Variable 'AZURE_DEVOPS_EXT_PAT'",
};

function cliName(problem: InputProblem): string {
  return SOURCES[problem.option] ?? `Flag '--${kebab(problem.option)}'`;
}

export async function runCommand(
  command: 'report' | 'rotate' | 'migrate' | 'revert-migration',
  values: ParsedValues,
  io: CliIo,
): Promise<number> {
  const organizations = (values.organization as string[] | undefined) ?? [];
  if (organizations.length === 0) {
    throw new UsageError(`'${command}' needs --organization URL (repeat it for several organizations).`);
  }
  const identities = await identitiesFrom(io.env);
  const proxy = networkFrom(io.env);
  const secrets = new Set([...identities.secrets, ...proxy.secrets]);
  const write = (stream: CliIo['stdout'], text: string) => {
    stream.write(redact(text, secrets));
  };
  const log = (line: string) => write(io.stderr, `${printable(line)}\n`);
  const verbose = values.verbose === true;
  const logger: Logger = {
    debug: (m) => verbose && log(m),
    info: (m) => verbose && log(m),
    warn: (m) => log(`warning: ${m}`),
    error: (m) => log(`error: ${m}`),
  };

  const options: Record<string, string> = {};
  for (const flag of flagsOf(command)) {
    const value = values[flag.name];
    if (flag.setsOption && (typeof value === 'string' || typeof value === 'boolean')) {
      options[camel(flag.name)] = String(value);
    }
  }
  const rotators = organizations.map((organizationUrl): Rotator => {
    try {
      return connect({
        ...options,
        organizationUrl,
        rotator: identities.rotator,
        devOps: identities.devOps,
        logger,
        network: proxy.network,
      });
    } catch (error) {
      if (error instanceof InvalidInputError) {
        throw new UsageError(error.problems.map((p) => describeProblem(p, cliName(p))).join(' '));
      }
      throw error;
    }
  });

  if (identities.source === 'azure-cli') log('rotator identity: the signed-in Azure CLI');
  // The proxy without its credentials.
  const network = rotators[0]?.clients.network;
  if (network) log(`network: ${network.describe()}`);

  const dryRun = values['dry-run'] === true;
  const reports: RunReport[] = [];
  const failures: RunFailure[] = [];
  for (const [i, rotator] of rotators.entries()) {
    const organization = rotator.settings.organizationUrl;
    if (io.signal?.aborted) {
      failures.push({
        organizationUrl: organization,
        code: 'rotation.aborted',
        message: 'Cancelled before it started.',
      });
      continue;
    }
    const tag = rotators.length > 1 ? `[${i + 1}/${rotators.length}] ${organization}` : organization;
    log(`${tag}: ${command}${dryRun ? ' (dry run, nothing is changed)' : ''}`);
    let lastPhase = '';
    const progress = (p: JobProgress | MigrationJobProgress) => {
      if (p.phase !== lastPhase || p.done === p.total) log(`${tag}: ${p.phase} ${p.done}/${p.total}`);
      lastPhase = p.phase;
    };
    try {
      const onInventory = (inventory: { connections: readonly unknown[] }) =>
        log(`${tag}: ${inventory.connections.length} AzureRM service connection(s)`);
      const outcome =
        command === 'migrate' || command === 'revert-migration'
          ? await rotator.runMigration({
              action: command === 'migrate' ? 'migrate' : 'revertMigration',
              dryRun,
              version: version(),
              ...(io.signal ? { signal: io.signal } : {}),
              onProgress: progress,
              onInventory,
              onPlan: (plan) => {
                const count = (action: string) => plan.entries.filter((e) => e.action === action).length;
                const moving = plan.entries.length - count('skip') - count('nothing');
                log(
                  `${tag}: plan: ${moving} to ${command === 'migrate' ? 'migrate' : 'revert'}, ${count('skip')} skipped`,
                );
              },
            })
          : await rotator.run({
              action: command,
              dryRun,
              version: version(),
              mask: (secret) => secrets.add(secret),
              ...(io.signal ? { signal: io.signal } : {}),
              onProgress: progress,
              onInventory,
              onPlan: (plan) => {
                const count = (action: string) => plan.entries.filter((e) => e.action === action).length;
                log(
                  `${tag}: plan: ${count('rotate')} to rotate, ${count('cleanup')} to clean up, ${count('skip')} skipped`,
                );
              },
            });
      reports.push(outcome.report);
    } catch (error) {
      const failure: RunFailure = {
        organizationUrl: organization,
        code: error instanceof RotatorError ? error.code : 'internal',
        message: redact(
          error instanceof RotatorError
            ? `${error.message}${error.fix ? ` ${error.fix}` : ''}`
            : `unexpected error: ${error instanceof Error ? error.message : String(error)}`,
          secrets,
        ),
      };
      failures.push(failure);
      log(`${tag}: failed (${failure.code}): ${failure.message}`);
    }
  }
  return finish(
    mergeReports(reports, { name: 'ServiceConnectionRotator', version: version() }, failures),
    values,
    io,
    write,
  );
}
