import { accessEntryCommands, contextFlag, shq } from './commands.js';
import { DOCS } from './docs.js';
import { str, type Evidence, type Rule, type Target } from './types.js';

const cluster = (t: Target) => `--cluster-name ${shq(t.cluster ?? '<cluster-name>')} --region ${shq(t.region ?? '<region>')}`;
const principal = (e: Evidence) => shq(str(e, 'principalArn', '<principal-arn>'));
const list = (v: unknown) => (Array.isArray(v) && v.length > 0 ? v.join(', ') : '(none)');


export const accessEntryRules: Rule[] = [
  {
    id: 'access-entry/missing',
    severity: 'error',
    title: 'No access entry for the principal',
    explain:
      'In API mode only access entries authenticate IAM principals (in API_AND_CONFIG_MAP they are checked first, then aws-auth). The principal has no access entry — and, where aws-auth applies, no aws-auth mapping either — so the authenticator answers "identity is not mapped" and the API server 401.',
    docs: [DOCS.creatingAccessEntries, DOCS.accessEntries, DOCS.troubleshootingUnauthorized],
    rootCause: true,
    explains: ['kube/unauthorized', 'logs/access-denied', 'aws-auth/ignored-in-api-mode'],
    message: (e) => `${str(e, 'principalArn')} has no access entry on cluster ${str(e, 'cluster')}`,
    detail: (e) =>
      [
        e.admins ? `Principals with cluster-admin access: ${list(e.admins)}.` : '',
        e.ssoPathNote ? String(e.ssoPathNote) : '',
      ]
        .filter(Boolean)
        .join(' '),
    fix: (e, t) => ({
      summary: `${Array.isArray(e.admins) && e.admins.length > 0 ? `Assume one of ${list(e.admins)}, or have one of them run` : 'Have a cluster administrator run'} (pick the narrowest policy that fits; ClusterAdmin shown):`,
      commands: accessEntryCommands(t, str(e, 'principalArn', '<principal-arn>')),
    }),
  },
  {
    id: 'access-entry/no-permissions',
    severity: 'error',
    title: 'The access entry grants nothing',
    explain:
      'The access entry authenticates the principal, but it has no associated access policy and no Kubernetes groups, and no RBAC binding names its username: every request is Forbidden. Associate an access policy or add groups that RBAC binds.',
    docs: [DOCS.accessPolicies, DOCS.creatingAccessEntries, DOCS.rbac],
    rootCause: true,
    explains: ['kube/forbidden'],
    message: (e) => `The access entry of ${str(e, 'principalArn')} has no access policy and no Kubernetes groups`,
    detail: (e) => `Username: ${str(e, 'username', '(default)')}.`,
    fix: (e, t) => ({
      summary: 'Associate an access policy (View shown; Edit, Admin or ClusterAdmin as needed), or give the entry Kubernetes groups that RBAC binds.',
      commands: [
        `aws eks associate-access-policy ${cluster(t)} --principal-arn ${principal(e)} --policy-arn arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy --access-scope type=cluster`,
        `aws eks update-access-entry ${cluster(t)} --principal-arn ${principal(e)} --kubernetes-groups <group-bound-by-rbac>`,
      ],
    }),
  },
  {
    id: 'access-entry/namespace-scoped',
    severity: 'info',
    title: 'Access policies are scoped to namespaces',
    explain: 'Namespace-scoped access policies grant nothing outside their namespaces: cluster-wide reads (kubectl get nodes, kubectl get pods -A) are Forbidden while reads inside the namespaces work.',
    docs: [DOCS.accessPolicies],
    rootCause: false,
    message: (e) => `${str(e, 'policy')} applies only in namespaces ${list(e.namespaces)}`,
  },
  {
    id: 'access-entry/not-enabled',
    severity: 'info',
    title: 'Access entries are not enabled (CONFIG_MAP mode)',
    explain:
      'The cluster authenticates only through the aws-auth ConfigMap. Access entries cannot exist until the authentication mode is changed to API_AND_CONFIG_MAP (a one-way change, then optionally to API); the access-entry APIs answer InvalidRequestException until then.',
    docs: [DOCS.settingUpAccessEntries, DOCS.migratingAccessEntries],
    rootCause: false,
    message: (e) => `Cluster ${str(e, 'cluster')} uses authentication mode ${str(e, 'authenticationMode', 'CONFIG_MAP')}: access entries do not apply`,
  },
  {
    id: 'access-entry/list-denied',
    severity: 'warning',
    title: 'Not allowed to read access entries',
    explain: 'Your principal lacks eks:ListAccessEntries / eks:DescribeAccessEntry / eks:ListAssociatedAccessPolicies, so eksdoctor cannot tell whether the principal has an access entry. kubectl does not need these permissions.',
    docs: [DOCS.accessEntries, DOCS.securityIamTroubleshoot],
    rootCause: false,
    message: (e) => `${str(e, 'caller', 'Your principal')} may not call ${str(e, 'action', 'eks:ListAccessEntries')}`,
    detail: (e) => str(e, 'message', ''),
    fix: (e, t) => ({
      summary: 'Ask an administrator to look, or add the read-only access-entry actions to your policy.',
      commands: [`aws eks describe-access-entry ${cluster(t)} --principal-arn ${principal(e)}`, `aws eks list-associated-access-policies ${cluster(t)} --principal-arn ${principal(e)}`],
    }),
  },
  {
    id: 'access-entry/granted',
    severity: 'info',
    title: 'The access entry maps the principal',
    explain: 'The principal has an access entry: its Kubernetes username, groups and associated access policies (which RBAC and kubectl auth can-i --list do not show).',
    docs: [DOCS.accessEntries, DOCS.accessPolicies],
    rootCause: false,
    message: (e) => `${str(e, 'principalArn')} is mapped by an access entry as ${str(e, 'username', '(default username)')}${Array.isArray(e.policies) && e.policies.length ? ` with ${list(e.policies)}` : ''}${Array.isArray(e.groups) && e.groups.length ? `, groups ${list(e.groups)}` : ''}`,
  },
];

export const rbacRules: Rule[] = [
  {
    id: 'rbac/groups-without-bindings',
    severity: 'warning',
    title: 'Mapped groups are bound to nothing',
    explain:
      'The mapping gives the principal Kubernetes groups, but no RoleBinding or ClusterRoleBinding names those groups (or the username), so RBAC grants nothing through them. system:masters needs no binding; other groups do.',
    docs: [DOCS.rbac, DOCS.authConfigMap],
    rootCause: true,
    explains: ['kube/forbidden'],
    message: (e) => `No RoleBinding or ClusterRoleBinding names ${list(e.groups)}`,
    fix: (e, t) => {
      const group = Array.isArray(e.groups) && e.groups.length > 0 ? String(e.groups[0]) : '<group>';
      return {
        summary: `Bind ${group} to the role it is meant to have (view shown).`,
        commands: [`kubectl create clusterrolebinding ${shq(`${group.replace(/[^a-z0-9-]/gi, '-')}-view`)} --clusterrole=view --group=${shq(group)}${contextFlag(t)}`],
      };
    },
  },
];
