import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALL_CHECKS } from '../../src/checks/index.js';
import { LINT_EMITS } from '../../src/diagnose/lint.js';
import { RULES } from '../../src/rules/index.js';
import { ROOT } from '../helpers/cli.js';

// The product contract lives beside the repository (../shared), as in CI; elsewhere the SPEC tests skip.
const SPEC_PATH = `${ROOT}/../shared/SPEC.md`;
const SPEC = existsSync(SPEC_PATH) ? readFileSync(SPEC_PATH, 'utf8') : '';
const SPEC_IDS = new Set(SPEC.match(/`((?:kubeconfig|identity|cluster|access-entry|aws-auth|kube|rbac|logs|lint|history)\/[a-z0-9-]+)`/g)?.map((m) => m.slice(1, -1)) ?? []);
const emitted = new Set<string>([...ALL_CHECKS.flatMap((c) => c.emits), ...LINT_EMITS]);

describe('rule catalog invariants', () => {
  it('has unique, well-formed IDs', () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z-]+\/[a-z0-9-]+$/);
  });

  it.each(RULES.map((r) => [r.id, r] as const))('%s: is emitted by a check, has docs, and a fix if it is an error or warning', (id, rule) => {
    expect(emitted.has(id), `${id} is in the catalog but no check emits it`).toBe(true);
    expect(rule.docs.length).toBeGreaterThan(0);
    for (const url of rule.docs) expect(url).toMatch(/^https:\/\/(docs\.aws\.amazon\.com|repost\.aws|kubernetes\.io)\//);
    if (rule.severity !== 'info') {
      const fix = rule.fix?.(rule.example, { kubeconfig: [] });
      expect(fix?.summary).toBeTruthy();
      expect(fix?.commands.length).toBeGreaterThan(0);
    }
    expect(rule.explain.length).toBeGreaterThan(40);
    expect(rule.message(rule.example, { kubeconfig: [] })).not.toMatch(/undefined/);
  });

  it.skipIf(!SPEC)('keeps the SPEC §5 severities of the required IDs', () => {
    const spec = SPEC;
    for (const rule of RULES.filter((r) => SPEC_IDS.has(r.id))) {
      const m = new RegExp(`\`${rule.id}\` \\[(error|warning|info)`).exec(spec);
      if (m) expect(rule.severity, rule.id).toBe(m[1]);
    }
  });

  it('only explains rules that exist', () => {
    const ids = new Set(RULES.map((r) => r.id));
    for (const r of RULES) for (const s of r.explains ?? []) expect(ids.has(s) || SPEC_IDS.has(s), `${r.id} explains unknown ${s}`).toBe(true);
  });
});
