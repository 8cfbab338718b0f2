/**
 * Each rule's text and fix from evidence of the rule's own type (tsc rejects a key the rule does not
 * take): the real names must come through, ready to paste. Rules fed by checks are also driven by
 * their checks in checks.test.ts; here the evidence is the contract itself.
 */
import { describe, expect, it } from 'vitest';
import { findRule, RULES, type EvidenceOf, type RuleId } from '../../src/rules/index.js';
import type { Target } from '../../src/rules/rule.js';

const t: Target = { kubeconfig: ['/home/u/.kube/config'], context: 'prod', cluster: 'prod', region: 'us-west-2', accountId: '111122223333', profile: 'ops' };
const ROLE = 'arn:aws:iam::111122223333:role/dev';
const SERVER = 'https://ABCDEF0123456789ABCDEF0123456789.gr7.us-west-2.eks.amazonaws.com';

interface Case {
  id: RuleId;
  evidence: unknown;
  message: RegExp;
  command?: RegExp;
}
const c = <Id extends RuleId>(id: Id, evidence: EvidenceOf<Id>, message: RegExp, command?: RegExp): Case => ({ id, evidence, message, command });
const fail = { code: 'X', message: 'm' };

const CASES: Case[] = [
  c('identity/no-credentials', { profile: 'ops', ...fail }, /No AWS credentials for profile "ops"/, /^aws configure --profile ops$/),
  c('identity/credentials-expired', { profile: 'sso-dev', sso: true, ...fail }, /IAM Identity Center session of profile "sso-dev" has expired/, /^aws sso login --profile sso-dev$/),
  c('identity/credentials-expired', { profile: 'ops', sso: false, ...fail }, /credentials of profile "ops" have expired/, /^aws sts get-caller-identity --profile ops$/),
  c('identity/credentials-invalid', { profile: 'ops', code: 'InvalidClientTokenId', message: 'm' }, /rejects the credentials of profile "ops" \(InvalidClientTokenId\)/, /^aws configure --profile ops$/),
  c('identity/mfa-required', { profile: 'prod-admin' }, /Profile "prod-admin" needs an MFA code/, /^aws sts get-caller-identity --profile prod-admin$/),
  c('identity/assume-role-failed', { roleArn: 'arn:aws:iam::111122223333:role/admin', callerArn: 'arn:aws:iam::111122223333:user/alice', ...fail }, /Cannot assume arn:aws:iam::111122223333:role\/admin as arn:aws:iam::111122223333:user\/alice/, /^aws iam get-role --role-name admin --query Role.AssumeRolePolicyDocument$/),
  c('identity/exec-identity-differs', { execArn: 'arn:aws:iam::111122223333:user/ro', execPrincipalArn: 'arn:aws:iam::111122223333:user/ro', sdkArn: 'arn:aws:iam::111122223333:user/admin', sdkProfile: 'default' }, /kubectl presents arn:aws:iam::111122223333:user\/ro, your shell is arn:aws:iam::111122223333:user\/admin/, /^aws eks update-kubeconfig --name prod --region us-west-2 --profile default --alias prod/),
  c('identity/account-mismatch', { identityAccount: '999999999999', clusterAccount: '111122223333', principalArn: ROLE }, /999999999999 differs from cluster account 111122223333/, /^aws configure list-profiles$/),
  c('identity/token-generation-failed', { command: 'aws', problem: 'exit', message: 'exec: executable aws failed with exit code 255: An error occurred (AccessDenied)', exitCode: 255 }, /The exec plugin aws exited 255: An error occurred \(AccessDenied\)$/, /^aws eks get-token --cluster-name prod --region us-west-2 --profile ops$/),
  c('identity/token-expired', { signedAt: '2026-11-25T03:00:00.000Z', expiresAt: '2026-11-25T03:15:00.000Z' }, /expired at 2026-11-25T03:15:00.000Z/, /^aws eks update-kubeconfig --name prod --region us-west-2 --profile ops --alias prod/),
  c('kubeconfig/exec-api-version-mismatch', { configured: 'client.authentication.k8s.io/v1beta1', returned: 'client.authentication.k8s.io/v1alpha1', command: 'aws' }, /configured for client.authentication.k8s.io\/v1beta1 but returned client.authentication.k8s.io\/v1alpha1/, /^aws --version$/),
  c('kubeconfig/cluster-name-mismatch', { tokenCluster: 'prod-old', endpointCluster: 'prod', server: SERVER }, /tokens for cluster "prod-old", but the endpoint belongs to "prod"/, /^aws eks update-kubeconfig --name prod --region us-west-2/),
  c('kubeconfig/endpoint-mismatch', { kubeconfigServer: 'https://OLD.gr7.us-west-2.eks.amazonaws.com', clusterEndpoint: 'https://NEW.gr7.us-west-2.eks.amazonaws.com', cluster: 'prod' }, /points at https:\/\/OLD.*but cluster prod is at https:\/\/NEW/, /^aws eks update-kubeconfig --name prod/),
  c('kubeconfig/ca-mismatch', { kubeconfigCluster: 'prod', cluster: 'prod' }, /certificate-authority-data of cluster "prod" is not the CA of prod/, /^aws eks update-kubeconfig --name prod/),
  c('kubeconfig/region-mismatch', { execRegion: 'us-east-1', clusterRegion: 'us-west-2', server: SERVER, clusterName: 'prod' }, /uses region us-east-1 but the cluster is in us-west-2/, /^aws eks update-kubeconfig --name prod --region us-west-2/),
  c('kubeconfig/aws-cli-too-old', { command: '/usr/bin/aws', versionLine: 'aws-cli/1.22.0', version: '1.22.0', major: 1, minimum: '1.23.9' }, /AWS CLI 1.22.0 is older than 1.23.9/, /^python3 -m pip install --upgrade awscli$/),
  c('cluster/not-found', { cluster: 'prod', region: 'us-west-2', accountId: '111122223333', server: SERVER }, /Cluster "prod" not found in us-west-2 \(account 111122223333\)/, /^aws eks list-clusters --region us-west-2 --profile ops$/),
  c('cluster/not-active', { cluster: 'prod', status: 'CREATING' }, /Cluster prod is CREATING/, /describe-cluster --name prod --region us-west-2 --profile ops --query cluster.status/),
  c('cluster/describe-denied', { cluster: 'prod', principal: 'arn:aws:iam::111122223333:user/ro', message: 'm' }, /may not call eks:DescribeCluster on prod/, /simulate-principal-policy --policy-source-arn arn:aws:iam::111122223333:user\/ro --action-names eks:DescribeCluster --resource-arns arn:aws:eks:us-west-2:111122223333:cluster\/prod/),
  c('cluster/endpoint-unreachable', { server: 'https://x', stage: 'tcp', problem: 'connect-timeout', message: 'TCP connection to 10.0.0.1:443 did not complete within 10000 ms', elapsedMs: 10_000, endpointPublicAccess: false }, /https:\/\/x is unreachable: TCP connection to 10.0.0.1:443 did not complete/, /update-cluster-config --name prod --region us-west-2 --resources-vpc-config endpointPublicAccess=true,publicAccessCidrs="\$YOUR_CIDR"$/),
  c('cluster/tls-error', { server: 'https://x', stage: 'tls', problem: 'tls-untrusted', message: 'the server certificate is not signed by the given certificate authority', elapsedMs: 5 }, /TLS to https:\/\/x fails: the server certificate is not signed/, /^aws eks update-kubeconfig --name prod/),
  c('kube/unauthorized', { principal: ROLE, message: 'error: You must be logged in to the server (Unauthorized)', iamCredential: true }, /rejects arn:aws:iam::111122223333:role\/dev with 401/, /^aws eks list-access-entries --cluster-name prod --region us-west-2$/),
  c('kube/unauthorized', { message: 'error: You must be logged in to the server (Unauthorized)', iamCredential: false }, /rejects the credential with 401/, /^aws eks update-kubeconfig --name prod --region us-west-2/),
  c('kube/forbidden', { username: 'dev', groups: ['dev-team'], denied: 'list pods in default', principalArn: ROLE }, /dev \(groups: dev-team\) may not list pods in default/, /^kubectl create clusterrolebinding dev-team-view --clusterrole=view --group=dev-team --context prod-admin$/),
  c('access-entry/no-permissions', { principalArn: ROLE, cluster: 'prod' }, /has no access policy and no Kubernetes groups/, /associate-access-policy --cluster-name prod --region us-west-2 --principal-arn arn:aws:iam::111122223333:role\/dev --policy-arn arn:aws:eks::aws:cluster-access-policy\/AmazonEKSViewPolicy --access-scope type=cluster/),
  c('access-entry/list-denied', { caller: 'arn:aws:iam::111122223333:user/ro', action: 'eks:ListAccessEntries', principalArn: ROLE, message: 'm' }, /may not call eks:ListAccessEntries/, /^aws eks describe-access-entry --cluster-name prod/),
  c('rbac/groups-without-bindings', { groups: ['dev-team'], source: 'bindings' }, /No RoleBinding or ClusterRoleBinding names dev-team/, /^kubectl create clusterrolebinding dev-team-view --clusterrole=view --group=dev-team --context prod-admin$/),
  c('kube/authenticated', { username: 'dev', groups: ['dev-team'], extra: {} }, /Authenticated as dev \(groups: dev-team\)/),
  c('access-entry/granted', { principalArn: ROLE, username: 'dev', groups: [], policies: ['AmazonEKSViewPolicy'] }, /mapped by an access entry as dev with AmazonEKSViewPolicy/),
  c('access-entry/namespace-scoped', { policy: 'AmazonEKSEditPolicy', namespaces: ['team-a'], principalArn: ROLE }, /AmazonEKSEditPolicy applies only in namespaces team-a/),
  c('access-entry/not-enabled', { cluster: 'prod', authenticationMode: 'CONFIG_MAP' }, /uses authentication mode CONFIG_MAP/),
  c('lint/not-recognized', { file: 'deploy.yaml', reason: 'it holds Deployment' }, /deploy.yaml was not linted: it holds Deployment/, /\| eksdoctor lint -$/),
];

describe.each(CASES.map((x) => [x.id, x] as const))('%s', (id, x) => {
  const rule = findRule(id)!;
  it('says what is wrong with the real names', () => expect(rule.message(x.evidence, t)).toMatch(x.message));
  if (x.command) {
    it('gives a command to paste with the real names', () => {
      const fix = rule.fix!(x.evidence, t);
      expect(fix.commands.some((cmd) => x.command!.test(cmd)), fix.commands.join('\n')).toBe(true);
    });
  }
});

describe('every rule renders its own example', () => {
  it.each(RULES.map((r) => [r.id, r] as const))('%s', (_id, rule) => {
    const text = [rule.message(rule.example, t), rule.detail?.(rule.example, t) ?? '', JSON.stringify(rule.fix?.(rule.example, t) ?? {})].join('\n');
    expect(text).not.toMatch(/undefined|\[object Object\]|NaN/);
    if (rule.severity !== 'info') {
      const fix = rule.fix!(rule.example, t);
      expect(fix.summary.length).toBeGreaterThan(10);
      expect(fix.commands.length).toBeGreaterThan(0);
    }
  });
});

describe('paste-safe commands (issue 13 §3)', () => {
  it('the private-endpoint fix leaves the address as a listed placeholder, no command substitution', () => {
    const fix = findRule('cluster/endpoint-unreachable')!.fix!({ server: 'https://x', stage: 'tcp', problem: 'connect-timeout', message: 'm', elapsedMs: 1, endpointPublicAccess: false } as never, t);
    expect(fix.commands.join('\n')).not.toContain('$(');
    expect(Object.keys(fix.placeholders!)).toEqual(['YOUR_CIDR']);
  });

  it('the AWS CLI install is one command per line for each platform, no && chain', async () => {
    const { awsCliInstallCommands } = await import('../../src/rules/commands.js');
    expect(awsCliInstallCommands('linux', 'arm64')).toEqual(['curl -o awscliv2.zip https://awscli.amazonaws.com/awscli-exe-linux-aarch64.zip', 'unzip -o awscliv2.zip', 'sudo ./aws/install --update']);
    expect(awsCliInstallCommands('linux', 'x64')[0]).toContain('awscli-exe-linux-x86_64.zip');
    for (const p of ['darwin', 'win32', 'linux'] as const) for (const c of awsCliInstallCommands(p, 'x64')) expect(c).not.toMatch(/&&|;|\|/);
  });

  it('an SSO role known without its path: "$ROLE_ARN" is a listed placeholder, not an assignment from $(…)', async () => {
    const { accessEntryCommands, accessEntryPlaceholders } = await import('../../src/rules/commands.js');
    const arn = 'arn:aws:iam::111122223333:role/AWSReservedSSO_Admin_0123456789abcdef';
    const commands = accessEntryCommands(t, arn);
    expect(commands[0]).toBe('aws eks create-access-entry --cluster-name prod --region us-west-2 --principal-arn "$ROLE_ARN"');
    expect(commands.join('\n')).not.toContain('$(');
    expect(accessEntryPlaceholders(arn)!.ROLE_ARN).toContain('aws iam get-role --role-name AWSReservedSSO_Admin_0123456789abcdef --query Role.Arn --output text');
    expect(accessEntryPlaceholders(ROLE)).toBeUndefined();
  });
});
