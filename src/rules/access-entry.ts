import { clusterOf, listOf, partitionOf, regionOf, shq } from './commands.js';
import { accessEntryGrant, notMappedDetail, runnerFor } from './grant.js';
import { DOCS } from './docs.js';
import type { AuthenticationMode, Fixer, NotMappedEvidence } from './evidence.js';
import { rule, type Target } from './rule.js';

const where = (t: Target) => `--cluster-name ${clusterOf(t)} --region ${regionOf(t)}`;

export const accessEntryRules = {
  'access-entry/missing': rule({
    severity: 'error',
    title: 'No access entry for the principal',
    explain:
      'In API mode only access entries authenticate IAM principals (in API_AND_CONFIG_MAP they are checked first, then aws-auth). The principal has no access entry — and, where aws-auth applies, no aws-auth mapping either — so the authenticator answers "identity is not mapped" and the API server 401.',
    docs: [DOCS.creatingAccessEntries, DOCS.accessEntries, DOCS.troubleshootingUnauthorized],
    rootCause: true,
    example: {
      principalArn: 'arn:aws:iam::111122223333:role/eks-ci-runner',
      callerArn: 'arn:aws:sts::111122223333:assumed-role/eks-ci-runner/i-0a1b2c3d4e5f67890',
      authenticationMode: 'API',
      cluster: 'prod',
      fixers: [{ arn: 'arn:aws:iam::111122223333:user/cluster-admin', reason: 'access-entry-admin', seenIn: 'access entries' }],
      grant: { level: 'view' },
      deleted: { at: '2026-11-30T22:41:05.000Z', by: 'arn:aws:iam::111122223333:role/deploy-pipeline' },
      sources: ['access entries'],
      unseen: [],
    },
    explains: ['kube/unauthorized', 'logs/access-denied', 'aws-auth/ignored-in-api-mode'],
    message: (e: NotMappedEvidence) => `${e.principalArn} has no access entry on cluster ${e.cluster}${e.deleted ? ` (deleted ${e.deleted.at} by ${e.deleted.by})` : ''}`,
    detail: (e) => notMappedDetail(e),
    fix: (e, t) => accessEntryGrant(e, t),
  }),
  'access-entry/principal-recreated': rule({
    severity: 'error',
    title: 'The access entry belongs to a deleted namesake of the principal',
    explain:
      "EKS stores the IAM principal's unique ID (AROA…/AIDA…) with an access entry. The principal was deleted and re-created under the same ARN after the entry was made: the entry still shows the ARN, but it names the old ID, so the new principal is not mapped (\"identity is not mapped\", 401). Delete the entry and create it again, with the same policies.",
    docs: [DOCS.accessEntryApi, DOCS.creatingAccessEntries],
    rootCause: true,
    example: {
      principalArn: 'arn:aws:iam::111122223333:role/developer',
      entryCreatedAt: '2026-03-02T09:00:00.000Z',
      principalCreatedAt: '2026-11-20T16:45:00.000Z',
      policies: [{ policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy' }],
      kubernetesGroups: [],
    },
    explains: ['kube/unauthorized', 'logs/access-denied'],
    message: (e: { principalArn: string; entryCreatedAt: string; principalCreatedAt: string; policies: { policyArn: string; namespaces?: string[] }[]; kubernetesGroups: string[]; username?: string; fixers?: Fixer[] }) =>
      `The access entry of ${e.principalArn} (created ${e.entryCreatedAt}) is older than the principal itself (created ${e.principalCreatedAt})`,
    detail: (e) => `Policies to restore: ${listOf(e.policies.map((p) => p.policyArn.split('/').pop()!))}; Kubernetes groups: ${listOf(e.kubernetesGroups)}.`,
    fix: (e, t) => {
      const run = runnerFor(e.fixers ?? [], t);
      return {
        summary: `${run.who}Delete the stale entry and create it again for the current principal, with the same policies and groups.`,
        commands: [
          `aws eks delete-access-entry ${where(t)} --principal-arn ${shq(e.principalArn)}`,
          `aws eks create-access-entry ${where(t)} --principal-arn ${shq(e.principalArn)}${e.kubernetesGroups.length ? ` --kubernetes-groups ${e.kubernetesGroups.map(shq).join(' ')}` : ''}${e.username ? ` --username ${shq(e.username)}` : ''}`,
          ...e.policies.map(
            (p) =>
              `aws eks associate-access-policy ${where(t)} --principal-arn ${shq(e.principalArn)} --policy-arn ${shq(p.policyArn)} --access-scope ${p.namespaces?.length ? shq(`type=namespace,namespaces=${p.namespaces.join(',')}`) : 'type=cluster'}`,
          ),
        ].map((c) => `${c}${run.profile}`),
        ...(run.placeholders && { placeholders: run.placeholders }),
      };
    },
  }),
  'access-entry/no-permissions': rule({
    severity: 'error',
    title: 'The access entry grants nothing',
    explain:
      'The access entry authenticates the principal, but it has no associated access policy and no Kubernetes groups, and no RBAC binding names its username: every request is Forbidden. Associate an access policy or add groups that RBAC binds.',
    docs: [DOCS.accessPolicies, DOCS.creatingAccessEntries, DOCS.rbac],
    rootCause: true,
    example: { principalArn: 'arn:aws:iam::111122223333:role/dev', cluster: 'prod' },
    explains: ['kube/forbidden'],
    message: (e: { principalArn: string; username?: string; cluster: string; fixers?: Fixer[] }) => `The access entry of ${e.principalArn} has no access policy and no Kubernetes groups`,
    detail: (e) => `Username: ${e.username ?? '(default)'}.`,
    fix: (e, t) => {
      // The principal itself can do nothing on the cluster; someone who manages access entries associates the policy.
      const run = runnerFor(e.fixers ?? [], t);
      return {
        summary: `${run.who}Associate an access policy (View shown; Edit, Admin or ClusterAdmin as needed), or give the entry Kubernetes groups that RBAC binds.`,
        commands: [
          `aws eks associate-access-policy ${where(t)} --principal-arn ${shq(e.principalArn)} --policy-arn arn:${partitionOf(t.region)}:eks::aws:cluster-access-policy/AmazonEKSViewPolicy --access-scope type=cluster${run.profile}`,
        ],
        ...(run.placeholders && { placeholders: run.placeholders }),
      };
    },
  }),
  'access-entry/namespace-scoped': rule({
    severity: 'info',
    title: 'Access policies are scoped to namespaces',
    explain: 'Namespace-scoped access policies grant nothing outside their namespaces: cluster-wide reads (kubectl get nodes, kubectl get pods -A) are Forbidden while reads inside the namespaces work.',
    docs: [DOCS.accessPolicies],
    rootCause: false,
    example: { policy: 'AmazonEKSEditPolicy', namespaces: ['team-a'], principalArn: 'arn:aws:iam::111122223333:role/dev' },
    message: (e: { policy: string; namespaces: string[]; principalArn: string }) => `${e.policy} applies only in namespaces ${listOf(e.namespaces)}`,
  }),
  'access-entry/not-enabled': rule({
    severity: 'info',
    title: 'Access entries are not enabled (CONFIG_MAP mode)',
    explain:
      'The cluster authenticates only through the aws-auth ConfigMap. Access entries cannot exist until the authentication mode is changed to API_AND_CONFIG_MAP (a one-way change, then optionally to API); the access-entry APIs answer InvalidRequestException until then.',
    docs: [DOCS.settingUpAccessEntries, DOCS.migratingAccessEntries],
    rootCause: false,
    example: { cluster: 'prod', authenticationMode: 'CONFIG_MAP' },
    message: (e: { cluster: string; authenticationMode: AuthenticationMode }) => `Cluster ${e.cluster} uses authentication mode ${e.authenticationMode}: access entries do not apply`,
  }),
  'access-entry/list-denied': rule({
    severity: 'warning',
    title: 'Not allowed to read access entries',
    explain:
      'Your principal lacks eks:ListAccessEntries / eks:DescribeAccessEntry / eks:ListAssociatedAccessPolicies, so eksdoctor cannot tell whether the principal has an access entry. kubectl does not need these permissions.',
    docs: [DOCS.accessEntries, DOCS.securityIamTroubleshoot],
    rootCause: false,
    example: { caller: 'arn:aws:sts::111122223333:assumed-role/ci/runner', action: 'eks:ListAccessEntries', principalArn: 'arn:aws:iam::111122223333:role/ci', message: 'User is not authorized to perform: eks:ListAccessEntries' },
    message: (e: { caller?: string; action: string; principalArn: string; message: string }) => `${e.caller ?? 'Your principal'} may not call ${e.action}`,
    detail: (e) => e.message,
    fix: (e, t) => ({
      summary: 'Ask an administrator to look, or add the read-only access-entry actions to your policy (`eksdoctor policy` prints them).',
      commands: [`aws eks describe-access-entry ${where(t)} --principal-arn ${shq(e.principalArn)}`, `aws eks list-associated-access-policies ${where(t)} --principal-arn ${shq(e.principalArn)}`],
    }),
  }),
  'access-entry/granted': rule({
    severity: 'info',
    title: 'The access entry maps the principal',
    explain: 'The principal has an access entry: its Kubernetes username, groups and associated access policies (which RBAC and kubectl auth can-i --list do not show).',
    docs: [DOCS.accessEntries, DOCS.accessPolicies],
    rootCause: false,
    example: { principalArn: 'arn:aws:iam::111122223333:role/dev', username: 'arn:aws:sts::111122223333:assumed-role/dev/{{SessionName}}', groups: [], policies: ['AmazonEKSClusterAdminPolicy'] },
    message: (e: { principalArn: string; username?: string; groups: string[]; policies: string[] }) =>
      `${e.principalArn} is mapped by an access entry as ${e.username ?? '(default username)'}${e.policies.length ? ` with ${listOf(e.policies)}` : ''}${e.groups.length ? `, groups ${listOf(e.groups)}` : ''}`,
  }),
};
