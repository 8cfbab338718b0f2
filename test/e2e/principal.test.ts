import { describe, expect, it } from 'vitest';
import { isolatedEnv, runCli } from '../helpers/cli.js';

/** SPEC §2: an admin's working context answers "would this principal get in, and as whom?". */
async function demo(scenario: string, principal: string) {
  const r = await runCli(['demo', scenario, '--principal', principal, '-o', 'json', '--timeout', '30s'], isolatedEnv());
  expect(r.stderr).not.toMatch(/^\s+at /m);
  return { code: r.code, report: JSON.parse(r.stdout) };
}

describe('auth --principal ARN', () => {
  it('an unmapped role: not mapped, and the fix names the admins the working context can see', async () => {
    const { code, report } = await demo('healthy-config-map', 'arn:aws:iam::111122223333:role/ci-deployer');
    expect(code).toBe(1);
    expect(report.identity).toEqual({ arn: 'arn:aws:iam::111122223333:role/ci-deployer', principalArn: 'arn:aws:iam::111122223333:role/ci-deployer', accountId: '111122223333', source: 'principal-option' });
    expect(report.rootCauses).toEqual(['aws-auth/principal-not-mapped']);
    const cause = report.findings[0];
    expect(cause.evidence.fixers.map((f: { arn: string }) => f.arn)).toContain('arn:aws:iam::111122223333:role/platform-admin');
    // kubectl-only (nothing else to install); eksctl is the alternative.
    expect(cause.fix.commands.join('\n')).toMatch(/kubectl patch configmap aws-auth -n kube-system --type merge -p '.*arn:aws:iam::111122223333:role\/ci-deployer/);
    expect(cause.fix.alternative.commands.join('\n')).toMatch(/eksctl create iamidentitymapping --cluster prod --region us-west-2 --arn arn:aws:iam::111122223333:role\/ci-deployer/);
  });

  it('a session of a mapped role: granted, and as whom (the username template rendered with the session name)', async () => {
    const { code, report } = await demo('healthy-config-map', 'arn:aws:sts::111122223333:assumed-role/platform-admin/carol');
    expect(code).toBe(0);
    expect(report.identity.principalArn).toBe('arn:aws:iam::111122223333:role/platform-admin');
    const granted = report.findings.find((f: { rule: string }) => f.rule === 'aws-auth/granted');
    expect(granted.evidence).toMatchObject({ username: 'platform-admin:carol', groups: ['system:masters'] });
  });

  it('in API mode, the access entry decides', async () => {
    const { code, report } = await demo('healthy-api', 'arn:aws:iam::111122223333:role/nobody');
    expect(code).toBe(1);
    expect(report.rootCauses).toEqual(['access-entry/missing']);
  });

  it.each(['not-an-arn', 'arn:aws:iam::111122223333:group/admins'])('--principal %s is a usage error (exit 2)', async (bad) => {
    const r = await runCli(['demo', 'healthy-api', '--principal', bad, '-o', 'json'], isolatedEnv());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--principal must be an IAM user, role or account root ARN, or an STS assumed-role or federated-user ARN/);
    expect(r.stdout).toBe('');
  });
});
