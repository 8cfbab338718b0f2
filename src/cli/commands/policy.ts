import yaml from 'js-yaml';
import { AWS_OPERATIONS, iamActionOf } from '../../facts/aws/actions.js';
import { KUBE_REQUESTS } from '../../facts/kube-permissions.js';
import { UsageError } from '../../shared/errors.js';
import { leastPrivilegePolicy, resourceArn, type PolicyScope } from '../permissions/aws-policy.js';
import { DEFAULT_KUBERNETES_GROUP, readerRbac } from '../permissions/kube-rbac.js';

/**
 * `eksdoctor policy`: the permissions `auth` needs, offline (nothing is looked up: what is not given
 * stays `*`). JSON = the IAM policy document; `--kubernetes` = the RBAC manifests (YAML, or a JSON `List`);
 * text = which statement and which rule serves which check.
 */
export interface PolicyFlags {
  cluster?: string;
  region?: string;
  account?: string;
  output?: string;
  kubernetes?: boolean;
  kubernetesGroup?: string;
}

// EKS CreateCluster: name 1–100 of [0-9A-Za-z_-], starting alphanumeric; Region and account as AWS spells them.
const CLUSTER_NAME = /^[0-9A-Za-z][0-9A-Za-z_-]{0,99}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const ACCOUNT = /^\d{12}$/;
// Kubernetes group names are free-form strings; refuse what would need quoting in a shell or YAML.
const GROUP = /^[A-Za-z0-9][A-Za-z0-9:._@-]{0,127}$/;

function checked(value: string | undefined, pattern: RegExp, what: string): string {
  if (value === undefined || value === '*') return '*';
  if (!pattern.test(value)) throw new UsageError(`--${what} "${value}" is not a valid ${what}`);
  return value;
}

export function policyScope(flags: Pick<PolicyFlags, 'cluster' | 'region' | 'account'>): PolicyScope {
  return { cluster: checked(flags.cluster, CLUSTER_NAME, 'cluster'), region: checked(flags.region, REGION, 'region'), account: checked(flags.account, ACCOUNT, 'account') };
}

export function policyCommand(flags: PolicyFlags): number {
  const scope = policyScope(flags);
  const group = flags.kubernetesGroup ?? DEFAULT_KUBERNETES_GROUP;
  if (!GROUP.test(group) || group.startsWith('system:') || group.startsWith('eks:')) {
    throw new UsageError(`--kubernetes-group "${group}": a group name of letters, digits and :._@- not starting with system: or eks: (reserved)`);
  }
  const output = flags.output ?? (flags.kubernetes ? 'yaml' : 'json');
  if (output === 'yaml' && !flags.kubernetes) throw new UsageError('--output yaml is for --kubernetes; an IAM policy document is JSON');
  process.stdout.write(render(output, scope, group, flags.kubernetes === true));
  return 0;
}

function render(output: string, scope: PolicyScope, group: string, kubernetes: boolean): string {
  if (output === 'text') return policyText(scope, group, kubernetes);
  if (!kubernetes) return `${JSON.stringify(leastPrivilegePolicy(scope), null, 2)}\n`;
  const manifests = readerRbac(group);
  if (output === 'json') return `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: manifests }, null, 2)}\n`;
  return manifests.map((m) => yaml.dump(m, { noRefs: true, lineWidth: -1 })).join('---\n');
}

const scopeFlags = (s: PolicyScope) =>
  (['cluster', 'region', 'account'] as const).filter((k) => s[k] !== '*').map((k) => ` --${k} ${s[k]}`).join('');

/** The human summary: each statement with the checks it serves, what needs none, and the RBAC. */
export function policyText(scope: PolicyScope, group: string, kubernetesOnly = false): string {
  const lines: string[] = [];
  if (!kubernetesOnly) {
    const granted = AWS_OPERATIONS.filter((o) => !o.notInPolicy);
    const width = Math.max(...AWS_OPERATIONS.map((o) => iamActionOf(o).length));
    lines.push(`IAM policy for \`eksdoctor auth\` (print it: eksdoctor policy${scopeFlags(scope)})`);
    if (Object.values(scope).includes('*')) lines.push('  `*` stands for what was not given: pass --cluster, --region and --account to narrow it.');
    if (scope.cluster !== '*') {
      lines.push(`  Scoped to ${scope.cluster}: a kubeconfig naming another cluster (renamed, deleted) shows as cluster/describe-denied,`);
      lines.push('  because IAM refuses before EKS can say there is no such cluster; --cluster \'*\' diagnoses that too.');
    }
    for (const st of leastPrivilegePolicy(scope).Statement) {
      lines.push('', `${st.Sid}  ${st.Resource.join(' ')}`);
      for (const o of granted.filter((g) => st.Action.includes(iamActionOf(g)) && st.Resource.includes(resourceArn(g.resource, scope)))) {
        lines.push(`  ${iamActionOf(o).padEnd(width)}  ${o.accessLevel.padEnd(4)}  ${o.usedBy.join(', ').padEnd(22)}  ${o.why}`);
      }
    }
    lines.push('', 'Not in the policy:');
    for (const o of AWS_OPERATIONS.filter((x) => x.notInPolicy)) {
      const reason = o.notInPolicy === 'no-permission-needed'
        ? 'no permission is needed (STS answers it even when every action is denied)'
        : 'only when the kubeconfig\'s exec plugin has --role-arn: your credentials assume that role, as kubectl\'s `aws eks get-token` does, and the policy belongs on the role';
      lines.push(`  ${iamActionOf(o).padEnd(width)}  ${reason}`);
    }
    lines.push('');
  }
  lines.push(`Kubernetes RBAC, bound to group ${group} (print it: eksdoctor policy --kubernetes | kubectl apply -f -)`);
  for (const m of readerRbac(group).filter((x) => x.kind === 'ClusterRole' || x.kind === 'Role')) {
    const meta = m.metadata as { name: string; namespace?: string };
    lines.push(`  ${m.kind} ${meta.namespace ? `${meta.namespace}/` : ''}${meta.name}`);
    for (const r of KUBE_REQUESTS.filter((x) => !x.notGranted && (x.namespace ?? '') === (meta.namespace ?? ''))) {
      const object = `${r.resource}${r.names ? `/${r.names.join(',')}` : ''}${r.group ? ` (${r.group})` : ''}`;
      lines.push(`    ${`${r.verb} ${object}`.padEnd(62)}  ${r.usedBy.join(', ').padEnd(10)}  ${r.why}`);
    }
  }
  for (const r of KUBE_REQUESTS.filter((x) => x.notGranted)) lines.push(`  Not granted: ${r.verb} ${r.resource} — ${r.notGranted}`);
  const cluster = scope.cluster === '*' ? 'CLUSTER' : scope.cluster;
  lines.push(
    `  Map your principal to the group: aws eks create-access-entry --cluster-name ${cluster} --principal-arn PRINCIPAL_ARN --kubernetes-groups ${group}`,
    `  (or, with aws-auth, add groups: [${group}] to its mapRoles/mapUsers entry).`,
  );
  return `${lines.join('\n')}\n`;
}
