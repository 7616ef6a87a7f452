/**
 * `NO_PROXY` (as curl, the Azure CLI and Node users write it) turned into the bypass list the
 * library speaks: regular expressions on the request URL (see `network.ts`).
 *
 * Entries are comma or space separated host names or IP addresses, each optionally with a
 * leading `.` or `*.` and a `:port`; `*` alone bypasses everything. A name matches itself and
 * every subdomain at a label boundary (`contoso.com` matches `dev.contoso.com`, not
 * `notcontoso.com`), without regard to case; without a port it matches every port. CIDR ranges
 * are not understood (curl only learned them in 7.86) and are refused, so that a range never
 * silently matches nothing.
 */
import { RotatorError } from '../errors';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The bypass regular expressions for a `NO_PROXY` value; `settings` names it in errors. */
export function noProxyBypass(noProxy: string | undefined, settings = 'NO_PROXY'): string[] {
  const entries = (noProxy ?? '')
    .split(/[\s,]+/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  return entries.map((entry) => {
    if (entry === '*') return '^';
    if (entry.includes('/')) {
      throw new RotatorError('config.invalid_input', `${settings} entry "${entry}" is a range or a URL`, {
        fix: `Write ${settings} as host names or addresses, optionally with :port (e.g. "localhost,.contoso.com,10.1.2.3").`,
      });
    }
    const bare = entry.replace(/^\*?\./, '');
    let host = bare;
    let port: string | undefined;
    const bracketed = /^(\[[^\]]+\])(?::(\d{1,5}))?$/.exec(bare);
    const colons = bare.split(':').length - 1;
    if (bracketed) {
      host = bracketed[1] ?? bare;
      port = bracketed[2];
    } else if (colons === 1) {
      [host = bare, port] = bare.split(':');
    } else if (colons > 1) {
      host = `[${bare}]`; // a bare IPv6 address has colons of its own: no port then
    }
    const suffix = /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.startsWith('[') ? '' : '(?:[^/?#@:]*\\.)?';
    const portPart = port === undefined ? '(?::\\d+)?' : port === '443' ? '(?::443)?' : `:${port}`;
    return `^[a-z][a-z0-9+.-]*://(?:[^/?#@]*@)?${suffix}${escapeRegExp(host)}${portPart}(?:[/?#]|$)`;
  });
}
