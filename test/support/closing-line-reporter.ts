import type { SerializedError } from 'vitest';
import type { Reporter, TestModule, Vitest } from 'vitest/node';

/**
 * Prints `Tests: N passed, N failed, N skipped` as the last line of a run: the plain closing
 * line CI reads to tell a run that tested something from one that ran nothing.
 *
 * A test that cannot run must fail, not skip: a skipped test fails the run and is named, unless
 * the run was filtered by test name (`-t`), which reports every other test as skipped.
 */
export default class ClosingLineReporter implements Reporter {
  private filteredByName = false;

  onInit(vitest: Vitest): void {
    this.filteredByName = vitest.config.testNamePattern !== undefined;
  }

  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError>,
  ): void {
    // Vitest fails the run on an unhandled error; the closing line must say so too.
    const counts = { passed: 0, failed: unhandledErrors.length, skipped: 0 };
    const skipped: string[] = [];
    for (const module of testModules) {
      const failedBefore = counts.failed;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') counts.passed += 1;
        else if (state === 'failed') counts.failed += 1;
        else {
          counts.skipped += 1;
          skipped.push(`${module.relativeModuleId} > ${test.fullName}`);
        }
      }
      // A file that failed to load, or whose beforeAll failed, has no failed test to count (its
      // tests are skipped), but it is a failure.
      if (module.state() === 'failed' && counts.failed === failedBefore) counts.failed += 1;
    }
    if (skipped.length > 0 && !this.filteredByName) {
      process.stdout.write(
        `\nA test that cannot run must fail, not skip. Skipped:\n${skipped.map((name) => `  ${name}`).join('\n')}\n`,
      );
      process.exitCode = 1;
    }
    process.stdout.write(
      `\nTests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`,
    );
  }
}
