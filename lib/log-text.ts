/**
 * Text from services (connection, project and app names, descriptions, FIC names and subjects,
 * error texts) made safe to print where an Azure Pipelines agent reads the output.
 *
 * The agent acts on the first `##vso[` anywhere in a line of stdout or stderr, up to the next `]`
 * (microsoft/azure-pipelines-agent `Command.TryParse`: `message.IndexOf(LoggingCommandPrefix)`),
 * and renders `##[group]`, `##[error]`, ... as formatting. A project administrator can name a
 * connection `sc-##vso[task.setvariable variable=X]pwned`, and the rotator runs with
 * organization-wide rights, so nothing a service said may reach an output line unchanged:
 *
 * - {@link neutraliseLoggingCommands} breaks `##vso[` into `##_vso[` (the rewrite task-lib's own
 *   `createExternalOutputStream` uses) and `##[` into `##_[`, any letter case;
 * - {@link escapeControlCharacters} shows control and invisible format characters as escapes
 *   (`\n`, `\r`, `\u001b`, `\u200b`): a bare CR or LF would start a new line for the agent (it
 *   reads lines with `ReadLine`, which also splits on a bare CR), ESC drives terminals, and
 *   invisible characters could hide a marker from a reader, or from a culture-aware `IndexOf`
 *   (which ignores them) in older agents;
 * - {@link logSafe} does both; it is what every output line of the task and the CLI goes through.
 *
 * The text stays readable (only the markers and invisible characters change). Apply it where text
 * is printed, never to what reports store: the JSON report keeps the exact names.
 */

/** `##vso[` or `##[`, any case: what the agent and the log viewer act on. */
const MARKER = /##(vso)?\[/gi;

/** C0 and C1 controls, DEL, Unicode format characters, line/paragraph separators, and the other default-ignorables. */
const INVISIBLE =
  // Written as an alternation: Biome rejects combining marks (U+034F, variation selectors) in a class.
  /[\p{Cc}\p{Cf}\u2028\u2029\u115f\u1160\u3164\uffa0]|\u034f|\u17b4|\u17b5|\p{Variation_Selector}/gu;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\t' };

/** `text` with every `##vso[` and `##[` broken up so no agent acts on it. */
export function neutraliseLoggingCommands(text: string): string {
  let out = text;
  // A rewrite cannot form a new marker, but loop until stable so that stays true by construction.
  for (let previous = ''; previous !== out; ) {
    previous = out;
    out = out.replace(MARKER, (_match, vso: string | undefined) => `##_${vso ?? ''}[`);
  }
  return out;
}

/** `text` with control and invisible characters shown as escapes; tab is kept. */
export function escapeControlCharacters(text: string): string {
  return text.replace(INVISIBLE, (char) => {
    const named = NAMED[char];
    if (named !== undefined) return named;
    const code = char.codePointAt(0)!;
    return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** Safe to print on one output line read by an agent or a terminal: see the file comment. */
export function logSafe(text: string): string {
  return neutraliseLoggingCommands(escapeControlCharacters(text));
}
