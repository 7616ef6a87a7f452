/**
 * Secret scans and private keys: a key is a multi-line PEM, and a log prints lines, so a scan that
 * looks for the whole PEM in each line can never find it. {@link expandPemSecrets} adds what a
 * line can hold: each base64 line of every `PRIVATE KEY` block, and the body joined. The agent
 * consumes `##vso[task.setsecret]` lines (they are never shown), so {@link isRegisteringLine}
 * exempts exactly the lines that register a known secret.
 */

const KEY_BLOCK = /-----BEGIN [A-Z ]*PRIVATE KEY-----([\s\S]+?)-----END [A-Z ]*PRIVATE KEY-----/g;

/** `secrets` plus the key body lines (and joined body) of every private key PEM among them. */
export function expandPemSecrets(secrets: readonly string[]): string[] {
  const out = new Set(secrets);
  for (const secret of secrets) {
    for (const match of secret.matchAll(KEY_BLOCK)) {
      const lines = (match[1] ?? '')
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter(Boolean);
      out.add(lines.join(''));
      for (const line of lines) out.add(line);
    }
  }
  return [...out].filter((s) => s.length >= 8);
}

/** task-lib's escaping of a logging command's value, undone. */
function unescapeData(value: string): string {
  return value
    .replaceAll('%0D', '\r')
    .replaceAll('%0A', '\n')
    .replaceAll('%AZP25', '%')
    .replaceAll('%25', '%');
}

/** Whether `line` is the `task.setsecret` command registering one of `secrets`. */
export function isRegisteringLine(line: string, secrets: ReadonlySet<string>): boolean {
  const prefix = '##vso[task.setsecret]';
  return line.startsWith(prefix) && secrets.has(unescapeData(line.slice(prefix.length)));
}
