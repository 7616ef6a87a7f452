/**
 * Bad options, as data: which option, the value given and what is allowed (spec §3: "a message
 * naming the input, the value and what is allowed"). The library names its options; each edge
 * renders the same problem in its own words (the task's input, the CLI's `--flag`) with
 * {@link describeProblem}, so the rule and its wording live here once.
 */
import { RotatorError } from '../errors';

/** One bad option. */
export interface InputProblem {
  /** The option's name, as `connect` takes it (the task's input of the same name). */
  option: string;
  /** The value given, as text; '' when empty. Never a secret: secret options are only checked for presence. */
  value: string;
  /** What is allowed, starting with "expected ...". */
  allowed: string;
}

/** `<name> has value '<value>': <allowed>.`, where `name` is how the edge calls the option. */
export function describeProblem(problem: InputProblem, name = `Option '${problem.option}'`): string {
  const shown = problem.value === '' ? '(empty)' : `'${problem.value}'`;
  return `${name} has value ${shown}: ${problem.allowed}.`;
}

/** Thrown by `connect` (and the scope of `discover`) before anything is sent. */
export class InvalidInputError extends RotatorError {
  override readonly name: string = 'InvalidInputError';
  /** Every bad option, in the order the options are documented. */
  readonly problems: readonly InputProblem[];

  constructor(
    problems: readonly InputProblem[],
    rename: (problem: InputProblem) => string = (p) => `Option '${p.option}'`,
  ) {
    super('config.invalid_input', problems.map((p) => describeProblem(p, rename(p))).join(' '), {
      fix: `Change ${[...new Set(problems.map((p) => `'${p.option}'`))].join(', ')}.`,
    });
    this.problems = problems;
  }
}
