import { describe, expect, it } from 'vitest';
import { findRule } from '../../src/rules/index.js';
import type { Evidence, Target } from '../../src/rules/types.js';

const t: Target = { kubeconfig: ['/home/u/.kube/config'], context: 'prod', cluster: 'prod', region: 'us-west-2', accountId: '111122223333', profile: 'ops' };
const ROLE = 'arn:aws:iam::111122223333:role/dev';

/** Each rule's text and fix from evidence: the real names must come through, ready to paste. */
const CASES: [rule: string, evidence: Evidence, message: RegExp, command: RegExp][] = [
  ['identity/no-credentials', { profile: 'ops' }, /No AWS credentials for profile "ops"/, /^aws configure --profile ops$/],
  ['identity/credentials-expired', { profile: 'sso-dev', sso: true }, /IAM Identity Center session of profile "sso-dev" has expired/, /^aws sso login --profile sso-dev$/],
  ['identity/credentials-expired', { profile: 'ops' }, /credentials of profile "ops" have expired/, /^aws sts get-caller-identity --profile ops$/],
  ['identity/credentials-invalid', { code: 'InvalidClientTokenId' }, /rejects the credentials \(InvalidClientTokenId\)/, /^aws configure --profile ops$/],
  ['identity/assume-role-failed', { roleArn: 'arn:aws:iam::111122223333:role/admin', callerArn: 'arn:aws:iam::111122223333:user/alice' }, /Cannot assume arn:aws:iam::111122223333:role\/admin as arn:aws:iam::111122223333:user\/alice/, /^aws iam get-role --role-name admin --query Role.AssumeRolePolicyDocument$/],
  ['identity/exec-identity-differs', { execArn: 'arn:aws:iam::111122223333:user/ro', sdkArn: 'arn:aws:iam::111122223333:user/admin', sdkProfile: 'default' }, /kubectl presents arn:aws:iam::111122223333:user\/ro, your shell is arn:aws:iam::111122223333:user\/admin/, /^aws eks update-kubeconfig --name prod --region us-west-2 --profile default --alias prod/],
  ['identity/account-mismatch', { identityAccount: '999999999999', clusterAccount: '111122223333' }, /999999999999 differs from cluster account 111122223333/, /^aws configure list-profiles$/],
  ['identity/token-generation-failed', { command: 'aws', problem: 'exit', message: 'exit 255' }, /The exec plugin aws failed: exit/, /^aws eks get-token --cluster-name prod --region us-west-2 --profile ops$/],
  ['identity/token-expired', { signedAt: '2026-11-25T03:00:00.000Z', expiresAt: '2026-11-25T03:15:00.000Z' }, /expired at 2026-11-25T03:15:00.000Z/, /^aws eks update-kubeconfig --name prod --region us-west-2 --profile ops --alias prod/],
  ['kubeconfig/exec-api-version-mismatch', { configured: 'client.authentication.k8s.io/v1beta1', returned: 'client.authentication.k8s.io/v1alpha1' }, /configured for client.authentication.k8s.io\/v1beta1 but returned client.authentication.k8s.io\/v1alpha1/, /^aws --version$/],
  ['kubeconfig/cluster-name-mismatch', { tokenCluster: 'prod-old', endpointCluster: 'prod' }, /tokens for cluster "prod-old", but the endpoint belongs to "prod"/, /^aws eks update-kubeconfig --name prod --region us-west-2/],
  ['kubeconfig/endpoint-mismatch', { kubeconfigServer: 'https://OLD.gr7.us-west-2.eks.amazonaws.com', clusterEndpoint: 'https://NEW.gr7.us-west-2.eks.amazonaws.com', cluster: 'prod' }, /points at https:\/\/OLD.*but cluster prod is at https:\/\/NEW/, /^aws eks update-kubeconfig --name prod/],
  ['kubeconfig/ca-mismatch', { kubeconfigCluster: 'prod', cluster: 'prod' }, /certificate-authority-data of cluster "prod" is not the CA of prod/, /^aws eks update-kubeconfig --name prod/],
  ['cluster/not-found', { cluster: 'prod', region: 'us-west-2', accountId: '111122223333' }, /Cluster "prod" not found in us-west-2 \(account 111122223333\)/, /^aws eks list-clusters --region us-west-2 --profile ops$/],
  ['cluster/not-active', { cluster: 'prod', status: 'CREATING' }, /Cluster prod is CREATING/, /describe-cluster --name prod --region us-west-2 --query cluster.status/],
  ['cluster/describe-denied', { cluster: 'prod', principal: 'arn:aws:iam::111122223333:user/ro' }, /may not call eks:DescribeCluster on prod/, /simulate-principal-policy --policy-source-arn arn:aws:iam::111122223333:user\/ro --action-names eks:DescribeCluster --resource-arns arn:aws:eks:us-west-2:111122223333:cluster\/prod/],
  ['cluster/endpoint-unreachable', { server: 'https://x', stage: 'tcp', problem: 'connect-timeout', endpointPublicAccess: false }, /https:\/\/x is unreachable: connect-timeout at tcp/, /update-cluster-config --name prod --region us-west-2 --resources-vpc-config endpointPublicAccess=true,publicAccessCidrs=<your-ip>\/32/],
  ['cluster/tls-error', { server: 'https://x', problem: 'tls-untrusted' }, /TLS to https:\/\/x fails: tls-untrusted/, /^aws eks update-kubeconfig --name prod/],
  ['kube/unauthorized', { principal: ROLE }, /rejects arn:aws:iam::111122223333:role\/dev with 401/, /^aws eks list-access-entries --cluster-name prod --region us-west-2$/],
  ['kube/forbidden', { username: 'dev', groups: ['dev-team'], principalArn: ROLE }, /dev \(groups: dev-team\) may not/, /^kubectl create clusterrolebinding dev-team-view --clusterrole=view --group=dev-team --context prod$/],
  ['access-entry/missing', { principalArn: ROLE, cluster: 'prod', admins: ['arn:aws:iam::111122223333:role/platform'] }, /has no access entry on cluster prod/, /^aws eks create-access-entry --cluster-name prod --region us-west-2 --principal-arn arn:aws:iam::111122223333:role\/dev$/],
  ['access-entry/no-permissions', { principalArn: ROLE }, /has no access policy and no Kubernetes groups/, /associate-access-policy --cluster-name prod --region us-west-2 --principal-arn arn:aws:iam::111122223333:role\/dev --policy-arn arn:aws:eks::aws:cluster-access-policy\/AmazonEKSViewPolicy --access-scope type=cluster/],
  ['access-entry/list-denied', { caller: 'arn:aws:iam::111122223333:user/ro', action: 'eks:ListAccessEntries', principalArn: ROLE }, /may not call eks:ListAccessEntries/, /^aws eks describe-access-entry --cluster-name prod/],
  ['rbac/groups-without-bindings', { groups: ['dev-team'] }, /No RoleBinding or ClusterRoleBinding names dev-team/, /^kubectl create clusterrolebinding dev-team-view --clusterrole=view --group=dev-team --context prod$/],
];

describe.each(CASES)('%s', (id, evidence, message, command) => {
  const rule = findRule(id)!;
  it('says what is wrong with the real names', () => expect(rule.message(evidence, t)).toMatch(message));
  it('gives a command to paste with the real names', () => expect(rule.fix!(evidence, t).commands.some((c) => command.test(c)), rule.fix!(evidence, t).commands.join('\n')).toBe(true));
});

describe('facts rules (info) need no fix', () => {
  it.each([
    ['kube/authenticated', { username: 'dev', groups: ['dev-team'] }, /Authenticated as dev \(groups: dev-team\)/],
    ['access-entry/granted', { principalArn: ROLE, username: 'dev', policies: ['AmazonEKSViewPolicy'] }, /mapped by an access entry as dev with AmazonEKSViewPolicy/],
    ['access-entry/namespace-scoped', { policy: 'AmazonEKSEditPolicy', namespaces: ['team-a'] }, /AmazonEKSEditPolicy applies only in namespaces team-a/],
    ['access-entry/not-enabled', { cluster: 'prod', authenticationMode: 'CONFIG_MAP' }, /uses authentication mode CONFIG_MAP/],
  ])('%s', (id, evidence, message) => {
    expect(findRule(id)!.message(evidence, t)).toMatch(message);
    expect(findRule(id)!.severity).toBe('info');
  });
});
