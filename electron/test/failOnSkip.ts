// Under CI=1 (vitest.config.mts), a skipped test fails the run: a test that cannot run is not a pass.
// It catches runtime skips (ctx.skip(), skipIf) as well as it.skip/todo left in the sources.
import type { Reporter, TestModule } from 'vitest/node' with { 'resolution-mode': 'import' };

export default class FailOnSkip implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const skipped: string[] = [];
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        if (test.result().state === 'skipped') skipped.push(`${module.moduleId}: ${test.fullName}`);
      }
    }
    if (skipped.length === 0) return;
    process.stderr.write(`\nCI: ${skipped.length} test(s) skipped, which fails the run (a skipped test is never a pass):\n${skipped.map((s) => `  - ${s}\n`).join('')}`);
    process.exitCode = 1;
  }
}
