/**
 * A stand-in for the Azure CLI (`az`) in tests of the CLI's "signed-in Azure CLI" sign-in: the two
 * commands the rotator runs, answered as Azure CLI 2.54+ answers them. The signed-in account is a
 * service principal of the emulator (FAKE_AZ_TENANT, FAKE_AZ_CLIENT_ID, FAKE_AZ_CLIENT_SECRET):
 * `get-access-token` gets a real token for the scope from the emulator's Entra ID
 * (FAKE_AZ_AUTHORITY), as the real CLI gets one from login.microsoftonline.com. Every call's
 * arguments are appended to FAKE_AZ_LOG, one JSON array per line. FAKE_AZ_SIGNED_OUT=1 answers as
 * the CLI does when nobody ran `az login`.
 */
import fs from 'node:fs';

async function main(args: string[]): Promise<number> {
  const env = process.env;
  if (env.FAKE_AZ_LOG) fs.appendFileSync(env.FAKE_AZ_LOG, `${JSON.stringify(args)}\n`);
  if (env.FAKE_AZ_SIGNED_OUT === '1') {
    process.stderr.write("ERROR: Please run 'az login' to setup account.\n");
    return 1;
  }
  const command = args.slice(0, 2).join(' ');
  const flag = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  if (command === 'account show') {
    process.stdout.write(
      `${JSON.stringify({ tenantId: env.FAKE_AZ_TENANT, user: { type: 'servicePrincipal' } })}\n`,
    );
    return 0;
  }
  if (command === 'account get-access-token') {
    const scope = flag('--scope') ?? '';
    const tenant = flag('--tenant') ?? env.FAKE_AZ_TENANT ?? '';
    const response = await fetch(`${env.FAKE_AZ_AUTHORITY}/${tenant}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: env.FAKE_AZ_CLIENT_ID ?? '',
        client_secret: env.FAKE_AZ_CLIENT_SECRET ?? '',
        scope,
      }),
    });
    const body = (await response.json()) as {
      access_token?: string;
      expires_in?: number;
      error_description?: string;
    };
    if (!response.ok || !body.access_token) {
      process.stderr.write(`ERROR: ${body.error_description ?? response.status}\n`);
      return 1;
    }
    const expiresOn = Math.floor(Date.now() / 1000) + (body.expires_in ?? 3600);
    process.stdout.write(
      `${JSON.stringify({ accessToken: body.access_token, expires_on: expiresOn, tenant, tokenType: 'Bearer' }, null, 2)}\n`,
    );
    return 0;
  }
  process.stderr.write(`ERROR: fake az does not know '${args.join(' ')}'\n`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`ERROR: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
