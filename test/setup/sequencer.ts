/**
 * The order test files start in. vitest runs the longest files first when it has timings from a previous
 * run, and the largest first on a fresh clone (CI), where the files that mostly wait (hung endpoints,
 * Retry-After, CloudTrail's 2 TPS) started last and made a tail of 40 s with the CPU idle. These start
 * first, the longest before the rest, so their waits overlap the files that keep both cores busy; the
 * rest keep vitest's order.
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Longest first (the fix proof is a quarter of the suite's CPU, and keeps both cores busy by itself with the
 * sweep beside it), then the ones that wait most of their time, one after another on the other worker while
 * it runs (two of them side by side left both cores idle for ~15 s), then the type check (a small file, which
 * vitest would start last on a fresh clone: ~12 s alone at the end).
 */
const FIRST = [
  'test/e2e/fix-proof.test.ts',
  'test/e2e/reliability.test.ts',
  'test/e2e/faults.test.ts',
  'test/conformance/aws-cli-history.test.ts',
  'test/unit/typecheck.test.ts',
  'test/conformance/kubectl.test.ts',
];

export default class WaitersFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification) => {
      const i = FIRST.findIndex((p) => f.moduleId.endsWith(p));
      return i === -1 ? FIRST.length : i;
    };
    return sorted.map((f, i) => ({ f, i })).sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i).map(({ f }) => f);
  }
}
