/**
 * ESLint's RuleTester idea for checks: run one real check on a set of facts and get exactly the
 * findings it returns, each rendered through the catalog as the report renders it (title, detail,
 * fix, docs). So rules are tested with the evidence checks really produce, never hand-made evidence,
 * and a finding of a rule the check does not declare fails the test as it fails a run.
 */
import { expect } from 'vitest';
import type { Facts } from '../../src/checks/facts.js';
import type { Check, CheckContext, CheckOutcome, RunOptions } from '../../src/checks/types.js';
import { renderFinding } from '../../src/report/build.js';
import type { ReportFinding } from '../../src/report/model.js';
import type { RuleId } from '../../src/rules/index.js';
import type { Target } from '../../src/rules/rule.js';
import { redact } from '../../src/shared/redact.js';

export const TEST_TARGET: Target = { kubeconfig: ['/home/alice/.kube/config'], context: 'prod', cluster: 'prod', region: 'us-west-2', accountId: '111122223333' };
/** A HOME with no AWS config: checks that read local profiles see none. */
export const TEST_OPTIONS: RunOptions = { since: 3_600_000, noLogs: false, offline: false, timeoutMs: 10_000, verbose: false, env: { HOME: '/nonexistent/eksdoctor-test-home' } };

export interface CheckCase {
  facts: Facts;
  options?: Partial<RunOptions>;
  target?: Partial<Target>;
}

export interface TestedCheck {
  outcome: CheckOutcome;
  /** The findings as the report shows them, in the order the check returned them. */
  findings: ReportFinding[];
  rules: RuleId[];
  facts: Facts;
  /** The first finding of a rule; fails the test when there is none. */
  one(rule: RuleId): ReportFinding;
}

export async function testCheck(check: Check, c: CheckCase): Promise<TestedCheck> {
  const facts = c.facts;
  const target = { ...TEST_TARGET, ...c.target };
  const ctx: CheckContext = {
    facts,
    target,
    options: { ...TEST_OPTIONS, ...c.options },
    signal: new AbortController().signal,
    remainingMs: () => 10_000,
    progress: () => {},
    once: (_key, work) => work(),
    finished: async () => {},
  };
  const outcome = await check.run(ctx);
  for (const f of outcome.findings) expect(check.emits, `${check.id} returned ${f.rule}, which it does not declare`).toContain(f.rule);
  const findings = outcome.findings.map((f) => redact(renderFinding({ ...f, check: check.id }, target)));
  return {
    outcome,
    findings,
    rules: outcome.findings.map((f) => f.rule),
    facts,
    one(rule) {
      const f = findings.find((x) => x.rule === rule);
      expect(f, `${check.id} returned no ${rule}; it returned ${findings.map((x) => x.rule).join(', ') || 'nothing'}`).toBeDefined();
      return f!;
    },
  };
}
