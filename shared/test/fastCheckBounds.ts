// A setup file of both vitest projects: each fc.assert is bounded by its test's timeout. A property's runs are
// bounded by its generators (each test file says how, where a walk could grow faster than its input), but
// shrinking a failure runs the property again for as long as smaller cases keep failing: minutes for a costly
// one, in a synchronous loop vitest's timeout cannot stop, and the test fails at its timeout anyway. So fast-check
// stops at that timeout and reports what it has: the failure with the smallest case found so far (its seed and
// path replay it), or "Property interrupted" where no case failed yet (markInterruptAsFailure: never a pass).
import fc from 'fast-check';
import { beforeEach } from 'vitest';

beforeEach(({ task }) => {
  fc.configureGlobal({ ...fc.readConfigureGlobal(), interruptAfterTimeLimit: task.timeout, markInterruptAsFailure: true });
});
