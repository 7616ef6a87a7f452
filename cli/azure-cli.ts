/**
 * The signed-in Azure CLI as the rotator identity: tokens from `az account get-access-token`, the
 * way the Azure SDKs' AzureCliCredential gets them, cached per scope until shortly before they
 * expire. Used when no AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH is set.
 *
 * What `az` prints on failure is its own text (it may quote the tenant, never a token); it goes
 * into the error message, which the CLI prints through the same neutralisation as every log line.
 */
import { execFile } from 'node:child_process';
import { RotatorError, type TokenProvider } from '../lib';

/** Runs `az` with arguments; resolves with stdout, rejects with the process error and stderr. */
export type AzRunner = (args: readonly string[]) => Promise<string>;

/** A token is renewed this long before it expires. */
const REFRESH_MARGIN_MS = 5 * 60_000;
/** `az` is given this long to answer (it may refresh its own token first). */
const AZ_TIMEOUT_MS = 60_000;
/** Scopes and tenants are passed as arguments: only the characters they are made of. */
const SAFE_ARGUMENT = /^[A-Za-z0-9.:/_-]+$/;

export const AZ_SIGN_IN_FIX =
  "Run 'az login' (for a service principal: 'az login --service-principal'), or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH.";

export interface AzureCliTokensOptions {
  /** The tenant to ask tokens for; the CLI's default tenant when not given. */
  tenantId?: string | undefined;
  run?: AzRunner;
  now?: () => number;
}

/** A {@link TokenProvider} over the signed-in Azure CLI. */
export function azureCliTokens(options: AzureCliTokensOptions = {}): TokenProvider {
  const run = options.run ?? runAz;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { token: string; expiresAt: number }>();
  // Requests that need a token at the same moment share one `az` call.
  const asking = new Map<string, Promise<string>>();
  const ask = async (scope: string) => {
    const args = ['account', 'get-access-token', '--output', 'json', '--scope', safe(scope)];
    if (options.tenantId) args.push('--tenant', safe(options.tenantId));
    const answer = parseAnswer(await run(args), scope);
    cache.set(scope, answer);
    return answer.token;
  };
  return {
    async getToken(scope: string) {
      const cached = cache.get(scope);
      if (cached && cached.expiresAt - REFRESH_MARGIN_MS > now()) return cached.token;
      let pending = asking.get(scope);
      if (!pending) {
        pending = ask(scope).finally(() => asking.delete(scope));
        asking.set(scope, pending);
      }
      return pending;
    },
  };
}

/** The tenant the CLI is signed in to (`az account show`), when AZURE_TENANT_ID is not set. */
export async function azureCliTenant(run: AzRunner = runAz): Promise<string> {
  const text = await run(['account', 'show', '--output', 'json']);
  let tenantId: unknown;
  try {
    tenantId = (JSON.parse(text) as { tenantId?: unknown }).tenantId;
  } catch {
    tenantId = undefined;
  }
  if (typeof tenantId !== 'string' || tenantId === '') {
    throw new RotatorError('auth.failed', `'az account show' did not name a tenant.`, {
      fix: AZ_SIGN_IN_FIX,
    });
  }
  return tenantId;
}

function safe(argument: string): string {
  if (!SAFE_ARGUMENT.test(argument)) {
    throw new RotatorError('auth.failed', `Refusing to pass '${argument}' to the Azure CLI.`);
  }
  return argument;
}

/**
 * `expires_on` (POSIX seconds, Azure CLI 2.54 and later) or else `expiresOn` (the machine's local
 * time, without a zone, in older versions).
 */
function parseAnswer(text: string, scope: string): { token: string; expiresAt: number } {
  let answer: { accessToken?: unknown; expires_on?: unknown; expiresOn?: unknown };
  try {
    answer = JSON.parse(text) as typeof answer;
  } catch {
    throw new RotatorError('auth.failed', `The Azure CLI's answer for ${scope} is not JSON.`);
  }
  if (typeof answer.accessToken !== 'string' || answer.accessToken === '') {
    throw new RotatorError('auth.failed', `The Azure CLI gave no access token for ${scope}.`);
  }
  const seconds = Number(answer.expires_on);
  const expiresAt = Number.isFinite(seconds)
    ? seconds * 1000
    : typeof answer.expiresOn === 'string'
      ? new Date(answer.expiresOn.replace(' ', 'T')).getTime()
      : Number.NaN;
  // Unknown expiry: use it for this request only.
  return { token: answer.accessToken, expiresAt: Number.isFinite(expiresAt) ? expiresAt : 0 };
}

function runAz(args: readonly string[]): Promise<string> {
  const windows = process.platform === 'win32';
  return new Promise((resolve, reject) => {
    execFile(
      windows ? 'az.cmd' : 'az',
      [...args],
      // az.cmd is a batch file: Windows runs it through cmd.exe. The arguments are checked above.
      { timeout: AZ_TIMEOUT_MS, shell: windows, windowsHide: true, maxBuffer: 1 << 20 },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') {
          return reject(
            new RotatorError('auth.failed', `The Azure CLI ('az') is not installed or not on PATH.`, {
              fix: AZ_SIGN_IN_FIX,
            }),
          );
        }
        const said = stderr
          .trim()
          .split('\n')
          .filter(Boolean)
          .slice(-3)
          .join(' ')
          .slice(0, 500)
          .replace(/\.+$/, '');
        reject(
          new RotatorError(
            'auth.failed',
            `'az ${args.slice(0, 2).join(' ')}' failed${said ? `: ${said}` : ''}.`,
            {
              fix: AZ_SIGN_IN_FIX,
            },
          ),
        );
      },
    );
  });
}
