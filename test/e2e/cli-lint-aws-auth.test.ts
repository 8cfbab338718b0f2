import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixture, isolatedEnv, runCli, writeTemp } from '../helpers/cli.js';

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

describe('eksdoctor lint never passes what it did not lint (lint/not-recognized)', () => {
  const deployment = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n';
  const compose = 'services:\n  web:\n    image: nginx\n';
  const secret = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: c2VjcmV0\n';
  it.each([
    ['a Deployment', deployment, /Deployment/],
    ['a compose file', compose, /a mapping without a kind/],
    ['a Secret', secret, /Secret/],
    ['an empty file', '', /empty/],
    ['a JSON number', '42\n', /a number/],
  ])('%s → lint/not-recognized (exit 1)', async (_name, text, reason) => {
    const { code, report } = await lint(writeTemp('input.yaml', text));
    expect(code).toBe(1);
    expect(report.findings.map((f) => f.rule)).toEqual(['lint/not-recognized']);
    expect(JSON.stringify(report.findings[0])).toMatch(reason);
    expect(JSON.stringify(report)).not.toContain('c2VjcmV0'); // a Secret given by mistake is not echoed
  });

  it('a ConfigMap named aws-auth whose keys are all misspelt is linted (not passed): every key is flagged', async () => {
    const { code, report } = await lint(writeTemp('aws-auth.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\ndata:\n  maproles: |\n    - rolearn: arn:aws:iam::111122223333:role/dev\n      username: dev\n'));
    expect(report.verdict).not.toBe('pass');
    expect(code).toBe(0); // a warning at the default --fail-on error
    expect(report.findings.map((f) => f.rule)).toEqual(['aws-auth/unknown-key']);
  });

  it('an aws-auth ConfigMap inside a List (kubectl get cm -o yaml of several) is linted', async () => {
    const list = 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: aws-auth\n    namespace: kube-system\n  data:\n    mapRoles: |\n      - rolearn: arn:aws:sts::111122223333:assumed-role/dev/alice\n        username: dev\n';
    const { code, report } = await lint(writeTemp('list.yaml', list));
    expect(code).toBe(1);
    expect(report.findings.map((f) => f.rule)).toEqual(['aws-auth/assumed-role-arn']);
  });

  // eksctl get iamidentitymapping --cluster C -o yaml|json prints the mappings as one list (pkg/authconfigmap).
  it.each([
    ['yaml', '- rolearn: arn:aws:iam::111122223333:role/teams/dev/developer\n  username: dev\n  groups:\n  - system:masters\n- account: "111122223333"\n'],
    ['json', JSON.stringify([{ rolearn: 'arn:aws:iam::111122223333:role/teams/dev/developer', username: 'dev', groups: ['system:masters'] }, { account: '111122223333' }], null, 2)],
  ])('the list eksctl get iamidentitymapping -o %s prints is linted as mappings', async (_format, text) => {
    const { code, report } = await lint(writeTemp('mappings.txt', text));
    expect(code).toBe(1);
    expect(report.findings.map((f) => f.rule)).toEqual(['aws-auth/role-arn-has-path']);
  });

  it('a file that cannot be read is not linted, so it does not pass', async () => {
    const { code, report } = await lint('/nonexistent/aws-auth.yaml');
    expect(code).toBe(1);
    expect(report.findings).toMatchObject([{ rule: 'lint/not-recognized', evidence: { reason: '/nonexistent/aws-auth.yaml does not exist' } }]);
  });
});
