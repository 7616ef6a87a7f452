// Mocha's spec reporter plus one closing line, `N passed, N failed, N skipped`, which CI reads
// as the run's summary (mocha's own "N passing" wording is not one CI recognises).
import Mocha from 'mocha';

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    runner.on(Mocha.Runner.constants.EVENT_TEST_PASS, () => {
      passed += 1;
    });
    runner.on(Mocha.Runner.constants.EVENT_TEST_FAIL, () => {
      failed += 1;
    });
    runner.on(Mocha.Runner.constants.EVENT_TEST_PENDING, () => {
      skipped += 1;
    });
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
    });
  }
}

export = SummaryReporter;
