import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixture, isolatedEnv, runCli } from '../helpers/cli.js';

type Finding = { rule: string; evidence: { line?: number; file?: string }; fix?: { commands: string[] }; docs: string[] };

async function lint(...files: string[]) {
  const r = await runCli(['lint', ...files, '-o', 'json'], isolatedEnv());
  expect(r.stderr).not.toMatch(/^\s+at /m);
  return { code: r.code, report: JSON.parse(r.stdout) as { verdict: string; findings: Finding[]; checks: { title: string; status: string }[] } };
}

const at = (findings: Finding[]) => findings.map((f) => `${f.rule}@${f.evidence.line}`).sort();

describe('eksdoctor lint on aws-auth ConfigMaps (GitOps CI)', () => {
  it('reports every pitfall in the file with its line, each with a fix and docs', async () => {
    const { code, report } = await lint(fixture('aws-auth', 'pitfalls.yaml'));
    expect(code).toBe(1);
    expect(at(report.findings)).toEqual(
      [
        'aws-auth/assumed-role-arn@9',
        'aws-auth/duplicate-entry@21',
        'aws-auth/invalid-username-template@17',
        'aws-auth/invalid-username-template@33',
        'aws-auth/invalid-yaml@25',
        'aws-auth/invalid-yaml@35',
        'aws-auth/role-in-map-users@29',
        'aws-auth/unknown-key@23',
        'aws-auth/unknown-key@36',
        'aws-auth/user-in-map-roles@13',
      ].sort(),
    );
    for (const f of report.findings) {
      expect(f.fix?.commands.length, f.rule).toBeGreaterThan(0);
      expect(f.docs.length).toBeGreaterThan(0);
    }
  });

  it('a malformed section (the authenticator drops the whole section) is invalid-yaml at the broken line', async () => {
    const { report } = await lint(fixture('aws-auth', 'malformed-section.yaml'));
    expect(at(report.findings)).toContain('aws-auth/invalid-yaml@11');
  });

  it('an IAM Identity Center role with its aws-reserved path: the fix drops the path', async () => {
    const { report } = await lint(fixture('aws-auth', 'sso-role-with-path.yaml'));
    const f = report.findings.find((x) => x.rule === 'aws-auth/role-arn-has-path')!;
    expect(f.evidence.line).toBe(14);
    expect(JSON.stringify(f)).toContain('arn:aws:iam::111122223333:role/AWSReservedSSO_AdministratorAccess_0123456789abcdef');
  });

  it('passes healthy files (eksctl output, the docs example) and lints kubeconfigs and ConfigMaps in one call', async () => {
    const { code, report } = await lint(fixture('aws-auth', 'eksctl-healthy.yaml'), fixture('aws-auth', 'docs-example.yaml'), fixture('kubeconfig', 'aws-cli-v1beta1.yaml'));
    expect(code).toBe(0);
    expect(report.checks.map((c) => c.status)).toEqual(['pass', 'pass', 'pass']);
  });

  it('reads an aws-auth manifest from stdin with -', async () => {
    const r = await runCli(['lint', '-', '-o', 'json'], isolatedEnv(), readFileSync(fixture('aws-auth', 'multi-doc.yaml'), 'utf8'));
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings.map((f: Finding) => f.rule)).toContain('aws-auth/role-arn-has-path');
  });

  it('auth --offline --aws-auth-file lints the file next to the kubeconfig checks', async () => {
    const r = await runCli(['auth', '--offline', '-o', 'json', '--kubeconfig', fixture('kubeconfig', 'aws-cli-v1beta1.yaml'), '--aws-auth-file', fixture('aws-auth', 'pitfalls.yaml')], isolatedEnv());
    const report = JSON.parse(r.stdout);
    expect(report.checks.map((c: { id: string }) => c.id)).toContain('aws-auth');
    expect(report.findings.map((f: Finding) => f.rule)).toContain('aws-auth/assumed-role-arn');
  });
});
