/**
 * `service-connection-rotator`: the same job as the pipeline task, outside Azure Pipelines
 * (spec §11). A thin edge like the task: argv and the environment in, the library's front door
 * called, a table on stdout, progress on stderr, files where asked, an exit code out.
 *
 * Exit codes: 0 succeeded (issues printed), 1 failed by the thresholds or a failure, 2 invalid
 * usage, in which case nothing was sent.
 */
import { parseArgs } from 'node:util';
import { COMMANDS, type Command, parseOptions } from './flags';
import { helpText } from './help';
import { type CliIo, type ParsedValues, version } from './io';
import { mergeCommand } from './merge-command';
import { runCommand } from './run-command';
import { UsageError } from './usage-error';

/** Runs one command line; resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  try {
    if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
      (first === undefined ? io.stderr : io.stdout).write(helpText());
      return first === undefined ? 2 : 0;
    }
    if (first === '--version' || first === '-v') {
      io.stdout.write(`${version()}\n`);
      return 0;
    }
    if (!(COMMANDS as readonly string[]).includes(first)) {
      throw new UsageError(`Unknown command '${first}'. Commands: ${COMMANDS.join(', ')}.`);
    }
    const command = first as Command;
    const values = parse(command, rest);
    if (values.values.help) {
      io.stdout.write(helpText(command));
      return 0;
    }
    if (command === 'merge-reports') return await mergeCommand(values.positionals, values.values, io);
    return await runCommand(command, values.values, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`error: ${error.message}\n`);
      const command = COMMANDS.find((c) => c === first);
      io.stderr.write(`Run 'service-connection-rotator ${command ? `${command} ` : ''}--help' for usage.\n`);
      return 2;
    }
    throw error;
  }
}

function parse(command: Command, args: readonly string[]): { values: ParsedValues; positionals: string[] } {
  try {
    const parsed = parseArgs({
      args: [...args],
      options: parseOptions(command),
      allowPositionals: command === 'merge-reports',
      strict: true,
    });
    return { values: parsed.values as ParsedValues, positionals: parsed.positionals };
  } catch (error) {
    const code = (error as { code?: string }).code;
    const message = (error as Error).message;
    const flag = /'(-[^']*)'/.exec(message)?.[1];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      throw new UsageError(`'${command}' has no flag '${flag ?? '?'}'.`);
    }
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      throw new UsageError(`'${command}' takes no argument '${/'([^']*)'/.exec(message)?.[1] ?? '?'}'.`);
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE')
      throw new UsageError(message.split('\n')[0] ?? message);
    throw error;
  }
}
