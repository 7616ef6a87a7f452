import assert from 'node:assert/strict';
import fc from 'fast-check';
import { escapeControlCharacters, logSafe, neutraliseLoggingCommands } from '../../../lib/log-text';

/** The agent's parser (Command.TryParse): the first `##vso[` anywhere, up to the next `]`. */
function agentCommand(line: string): string | null {
  const at = line.indexOf('##vso[');
  if (at < 0) return null;
  const end = line.indexOf(']', at);
  return end < 0 ? null : line.slice(at + 6, end);
}

describe('logSafe: service text on an agent-read output line', () => {
  const table: Array<[string, string]> = [
    ['sc-prod', 'sc-prod'],
    [
      'sc-##vso[task.setvariable variable=X;isOutput=true]pwned',
      'sc-##_vso[task.setvariable variable=X;isOutput=true]pwned',
    ],
    ['##VSO[task.complete result=Succeeded]', '##_VSO[task.complete result=Succeeded]'],
    ['a ##[error]b ##[group]c', 'a ##_[error]b ##_[group]c'],
    ['x\n##vso[task.prependpath]/tmp/evil', 'x\\n##_vso[task.prependpath]/tmp/evil'],
    ['x\r##vso[artifact.upload]f', 'x\\r##_vso[artifact.upload]f'],
    ['#\u200b#vso[task.setvariable variable=Y]1', '#\\u200b#vso[task.setvariable variable=Y]1'],
    ['####vso[[x]', '####_vso[[x]'],
    ['tab\tkept, ESC \u001b[31m shown', 'tab\tkept, ESC \\u001b[31m shown'],
    ['café 🚀 日本', 'café 🚀 日本'],
  ];
  for (const [input, expected] of table) {
    // Titles are printed where CI agents read them: never a raw marker in a title.
    it(`case ${logSafe(JSON.stringify(input))}`, () => {
      assert.equal(logSafe(input), expected);
    });
  }

  it('leaves no command for the agent and no line break, whatever the text (property)', () => {
    const pieces = fc.constantFrom(
      '##vso[',
      '##VsO[',
      '##[',
      '#',
      'vso[',
      '[',
      ']',
      '\n',
      '\r',
      '\u200b',
      '\u00ad',
      'a',
      ' ',
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(pieces, fc.string()), { maxLength: 30 }), (parts) => {
        const out = logSafe(parts.join(''));
        assert.equal(agentCommand(out), null);
        assert.equal(/##(vso)?\[/i.test(out), false);
        assert.equal(/[\r\n\u2028\u2029]/.test(out), false);
      }),
    );
  });

  it('changes nothing in text without "##" or control characters (property)', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        fc.pre(!text.includes('##') && !/[\p{Cc}\p{Cf}\u2028\u2029]/u.test(text));
        assert.equal(neutraliseLoggingCommands(text), text);
        assert.equal(escapeControlCharacters(text), text);
      }),
    );
  });
});
