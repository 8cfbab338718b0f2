import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixture, isolatedEnv, runCli } from '../helpers/cli.js';

/** A PATH holding an `aws` that reports the given version, so version rules are tested deterministically. */
function pathWithAws(version: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'fake-aws-'));
  writeFileSync(join(dir, 'aws'), `#!/bin/sh\necho "aws-cli/${version} Python/3.11.8 Linux/6.1.0 exe/x86_64.debian.12"\n`);
  chmodSync(join(dir, 'aws'), 0o755);
  return `${dir}:/usr/bin:/bin`;
}

async function auth(kubeconfig: string, env = isolatedEnv({ PATH: pathWithAws('2.15.30') }), extra: string[] = []) {
  const r = await runCli(['auth', '--offline', '--output', 'json', '--kubeconfig', fixture('kubeconfig', kubeconfig), ...extra], env);
  expect(r.stderr).not.toMatch(/at .*\.js:\d+/); // never a stack trace
  return { ...r, report: JSON.parse(r.stdout) };
}

describe('eksdoctor auth --offline on kubeconfig fixtures', () => {
  it('v1alpha1: exits 1 with the removed apiVersion as the only root cause and a fix with the real names', async () => {
    const { code, report } = await auth('aws-cli-v1alpha1.yaml');
    expect(code).toBe(1);
    expect(report.verdict).toBe('fail');
    expect(report.rootCauses).toEqual(['kubeconfig/exec-api-version-removed']);
    const f = report.findings[0];
    expect(f.rule).toBe('kubeconfig/exec-api-version-removed');
    expect(f.fix.summary).toMatch(/Upgrade the AWS CLI/);
    expect(f.fix.commands).toContain('aws eks update-kubeconfig --name prod --region us-west-2 --kubeconfig ' + fixture('kubeconfig', 'aws-cli-v1alpha1.yaml'));
    expect(f.evidence).toMatchObject({ line: 20, apiVersion: 'client.authentication.k8s.io/v1alpha1' });
  });

  it('a healthy AWS CLI kubeconfig passes and names the cluster, region and context', async () => {
    const { code, report } = await auth('aws-cli-v1beta1.yaml');
    expect(code).toBe(0);
    expect(report).toMatchObject({ schemaVersion: 1, verdict: 'pass', rootCauses: [], identity: null });
    expect(report.target).toMatchObject({ cluster: 'prod', region: 'us-west-2', accountId: '111122223333', context: 'arn:aws:eks:us-west-2:111122223333:cluster/prod' });
    expect(report.checks.map((c: { id: string; status: string }) => [c.id, c.status])).toEqual([['kubeconfig', 'pass'], ['exec-plugin', 'pass']]);
  });

  it.each([
    ['missing-context.yaml', 'kubeconfig/context-not-found', /kubectl config use-context/],
    ['no-current-context.yaml', 'kubeconfig/no-current-context', /kubectl config use-context arn:aws:eks:us-west-2:111122223333:cluster\/prod/],
    ['syntax-error.yaml', 'kubeconfig/invalid', /aws eks update-kubeconfig/],
    ['wrong-types.yaml', 'kubeconfig/invalid', /aws eks update-kubeconfig --name prod --region us-west-2/],
    ['missing-command.yaml', 'kubeconfig/exec-command-not-found', /aws eks update-kubeconfig --name prod/],
    ['aws-cli-profile-env.yaml', 'kubeconfig/profile-not-found', /aws configure --profile prod-admin/],
  ])('%s → %s', async (file, rule, fixText) => {
    const { code, report } = await auth(file);
    expect(code).toBe(1);
    expect(report.rootCauses).toEqual([rule]);
    expect(report.findings[0].fix.commands.join('\n')).toMatch(fixText);
  });

  it('finds the profile when it is configured', async () => {
    const env = isolatedEnv({ PATH: pathWithAws('2.15.30') });
    mkdirSync(join(env.HOME!, '.aws'));
    writeFileSync(join(env.HOME!, '.aws', 'config'), '[profile prod-admin]\nregion = us-west-2\n');
    const { code, report } = await auth('aws-cli-profile-env.yaml', env);
    expect(code).toBe(0);
    expect(report.target.profile).toBe('prod-admin');
  });

  it("the exec plugin's --region is not the cluster's: a warning (the token still works), fixed for the cluster's region", async () => {
    const { code, report } = await auth('region-mismatch.yaml');
    expect(code).toBe(0);
    const f = report.findings.find((x: { rule: string }) => x.rule === 'kubeconfig/region-mismatch');
    expect(f).toMatchObject({ severity: 'warning', evidence: { execRegion: 'eu-west-1', clusterRegion: 'us-west-2' } });
    expect(f.fix.commands.join('\n')).toMatch(/--region us-west-2/);
  });

  it('an AWS CLI older than 2.6.3 is a root cause, with the upgrade in the fix', async () => {
    const { code, report } = await auth('aws-cli-v1beta1.yaml', isolatedEnv({ PATH: pathWithAws('2.6.2') }));
    expect(code).toBe(1);
    expect(report.rootCauses).toEqual(['kubeconfig/aws-cli-too-old']);
    expect(report.findings[0].evidence).toMatchObject({ version: '2.6.2', minimum: '2.6.3' });
  });

  /**
   * Live, an `aws` that says it is 2.6.2 and answers get-token in `answers`, logging each call: the version is
   * asked only when the plugin did not hand kubectl the credential it asked for (too old = v1alpha1 whatever
   * kubectl asks). Nothing listens at the fixture's server; only the exec-plugin findings are looked at.
   */
  async function liveWithOldAws(answers: string, opts: { sleep?: number; timeout?: string } = {}) {
    const dir = mkdtempSync(join(tmpdir(), 'old-aws-'));
    const log = join(dir, 'calls.log');
    const credential = JSON.stringify({ kind: 'ExecCredential', apiVersion: answers, spec: {}, status: { token: 'not-an-eks-token' } });
    writeFileSync(join(dir, 'aws'), `#!/bin/sh\necho "$*" >> "${log}"\nif [ "$1" = --version ]; then ${opts.sleep ? `sleep ${opts.sleep}; ` : ''}echo "aws-cli/2.6.2 Python/3.9.11 Linux/6.1.0 exe/x86_64"; exit 0; fi\n${opts.sleep ? `sleep ${opts.sleep}\n` : ''}echo '${credential}'\n`);
    chmodSync(join(dir, 'aws'), 0o755);
    const r = await runCli(['auth', '--output', 'json', '--no-logs', '--timeout', opts.timeout ?? '20s', '--kubeconfig', fixture('kubeconfig', 'aws-cli-v1beta1.yaml')], isolatedEnv({ PATH: `${dir}:/usr/bin:/bin` }));
    const report = JSON.parse(r.stdout) as { verdict: string; findings: { rule: string }[]; checks: { id: string; status: string; reason?: string }[] };
    return { report, rules: report.findings.map((f) => f.rule), calls: readFileSync(log, 'utf8').trim().split('\n') };
  }

  it('live: a CLI that answers kubectl in v1beta1 is not asked its version (one Python start, not two)', async () => {
    const { rules, calls } = await liveWithOldAws('client.authentication.k8s.io/v1beta1');
    expect(rules).not.toContain('kubeconfig/aws-cli-too-old');
    expect(calls).toEqual(['--region us-west-2 eks get-token --cluster-name prod --output json']);
  });

  it('live: a CLI that answers v1alpha1 to a v1beta1 kubectl is asked, and is too old', async () => {
    const { rules, calls } = await liveWithOldAws('client.authentication.k8s.io/v1alpha1');
    expect(rules).toEqual(expect.arrayContaining(['kubeconfig/aws-cli-too-old', 'kubeconfig/exec-api-version-mismatch']));
    expect(calls).toEqual(['--region us-west-2 eks get-token --cluster-name prod --output json', '--version']);
  });

  it('live: a plugin that outlives --timeout leaves no time for the version: exec-plugin could not run, not a pass', async () => {
    const { report } = await liveWithOldAws('client.authentication.k8s.io/v1alpha1', { sleep: 6, timeout: '3s' });
    expect(report.checks.find((c) => c.id === 'exec-plugin')).toMatchObject({ status: 'error', reason: expect.stringMatching(/did not report its version/) });
    expect(report.verdict).not.toBe('pass');
  });

  it('a static token is a warning: exit 0 by default, 1 with --fail-on warning, and the token never printed', async () => {
    const plain = await auth('static-token.yaml');
    expect(plain.code).toBe(0);
    expect(plain.report.verdict).toBe('warn');
    expect(plain.stdout).not.toMatch(/aHR0cHM6Ly9zdHM/);
    const strict = await auth('static-token.yaml', undefined, ['--fail-on', 'warning']);
    expect(strict.code).toBe(1);
  });

  it('a non-EKS context is reported as info and the EKS checks are skipped', async () => {
    const { code, report } = await auth('not-eks.yaml');
    expect(code).toBe(0);
    expect(report.findings.map((f: { rule: string }) => f.rule)).toEqual(['kubeconfig/not-eks']);
    expect(report.checks[1]).toMatchObject({ status: 'skip' });
  });

  it('merges a multi-file KUBECONFIG as kubectl does', async () => {
    const env = isolatedEnv({ PATH: pathWithAws('2.15.30'), KUBECONFIG: `${fixture('kubeconfig', 'multi', 'a.yaml')}:${fixture('kubeconfig', 'multi', 'b.yaml')}` });
    const r = await runCli(['auth', '--offline', '-o', 'json'], env);
    const report = JSON.parse(r.stdout);
    expect(r.code).toBe(0);
    expect(report.target).toMatchObject({ context: 'staging', cluster: 'staging' });
  });

  it('--context selects another context, and an unknown one is a finding', async () => {
    const { code, report } = await auth('aws-cli-v1beta1.yaml', undefined, ['--context', 'nope']);
    expect(code).toBe(1);
    expect(report.rootCauses).toEqual(['kubeconfig/context-not-found']);
    expect(report.findings[0].evidence).toMatchObject({ context: 'nope', source: '--context' });
  });
});

describe('text output', () => {
  let text = '';
  beforeAll(async () => {
    const r = await runCli(['auth', '--offline', '--kubeconfig', fixture('kubeconfig', 'aws-cli-v1alpha1.yaml')], isolatedEnv({ PATH: pathWithAws('2.15.30') }));
    text = r.stdout;
  });
  it('puts the verdict and root cause first and the fix ready to paste, without colour when not a TTY', () => {
    // The headline wraps to 80 columns with a hanging indent of 6 when stdout is not a terminal.
    const [first, ...rest] = text.split('\n');
    const headline = [first, ...rest.slice(0, rest.findIndex((l) => !l.startsWith('      ')))].map((l) => l!.trim()).join(' ');
    expect(headline).toMatch(/^FAIL {2}Root cause: User ".*" uses the removed exec apiVersion client.authentication.k8s.io\/v1alpha1\. Offline: ran kubeconfig, exec plugin; the \d+ live checks \(.*\) did not run\.$/);
    expect(text).toMatch(/\n {8}aws eks update-kubeconfig --name prod --region us-west-2/);
    expect(text).not.toMatch(/\u001b\[/);
  });
});

describe('usage errors and other commands', () => {
  it.each([
    [['auth', '--bogus'], /unknown option '--bogus'/],
    [['auth', '--output', 'yaml'], /argument 'yaml' is invalid/],
    [['auth', '--timeout', 'soon'], /--timeout: "soon" is not a duration/],
    [['explain', 'kubeconfig/nope'], /unknown rule "kubeconfig\/nope"/],
    [['frobnicate'], /unknown command 'frobnicate'/],
  ])('%j exits 2 with a clear message', async (args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('--version prints the version', async () => {
    const r = await runCli(['--version']);
    expect(r).toMatchObject({ code: 0, stdout: '0.1.0\n' });
  });

  it('rules --output json lists every rule with severity and docs', async () => {
    const r = await runCli(['rules', '--output', 'json']);
    const catalog = JSON.parse(r.stdout);
    expect(catalog.schemaVersion).toBe(1);
    expect(catalog.rules.length).toBeGreaterThan(10);
    for (const rule of catalog.rules) {
      expect(Object.keys(rule).sort()).toEqual(['docs', 'explain', 'id', 'rootCause', 'severity', 'title']);
      expect(rule.docs.length).toBeGreaterThan(0);
    }
  });

  it('explain prints the explanation, an example with its fix, and the docs', async () => {
    const r = await runCli(['explain', 'kubeconfig/exec-api-version-removed']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/invalid apiVersion "client.authentication.k8s.io\/v1alpha1"/);
    expect(r.stdout).toMatch(/Example: User ".*" uses the removed exec apiVersion client.authentication.k8s.io\/v1alpha1/);
    expect(r.stdout).toMatch(/aws eks update-kubeconfig --name prod --region us-west-2/);
    expect(r.stdout).toMatch(/https:\/\/docs.aws.amazon.com\/eks\/latest\/userguide\/create-kubeconfig.html/);
  });

  it('lint reads stdin with -', async () => {
    const { readFileSync } = await import('node:fs');
    const r = await runCli(['lint', '-', '-o', 'json'], isolatedEnv(), readFileSync(fixture('kubeconfig', 'aws-cli-v1alpha1.yaml'), 'utf8'));
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).rootCauses).toEqual(['kubeconfig/exec-api-version-removed']);
  });
});
