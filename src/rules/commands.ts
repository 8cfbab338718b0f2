/** Fix commands with the real names filled in, paste-safe: every value is shell-quoted when it needs it. */
import { isSsoRoleArn, parseArn } from '../facts/arn.js';
import type { Target } from './rule.js';

/**
 * Shell-quotes a value only when it needs it, so pasted commands stay readable. A placeholder such as
 * `<cluster-name>` is quoted too: bare, a shell would read `<` and `>` as redirections.
 */
export function shq(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

export const clusterOf = (t: Target): string => shq(t.cluster ?? '<cluster-name>');
export const regionOf = (t: Target): string => shq(t.region ?? '<region>');

/** `--profile X` when the names to fill in carry a profile. */
export function profileFlag(profile: string | undefined): string {
  return profile ? ` --profile ${shq(profile)}` : '';
}

/** `--context X` for kubectl commands, when a context is known. */
export function contextFlag(t: Target): string {
  return t.context ? ` --context ${shq(t.context)}` : '';
}

export interface KubeconfigEntry {
  cluster?: string;
  region?: string;
  profile?: string;
  roleArn?: string;
}

/** `aws eks update-kubeconfig` with the real cluster, region, profile, role and context filled in. */
export function updateKubeconfigCommand(t: Target, entry: KubeconfigEntry = {}): string {
  const parts = ['aws eks update-kubeconfig', `--name ${shq(entry.cluster ?? t.cluster ?? '<cluster-name>')}`, `--region ${shq(entry.region ?? t.region ?? '<region>')}`];
  const profile = 'profile' in entry ? entry.profile : t.profile;
  if (profile) parts.push(`--profile ${shq(profile)}`);
  if (entry.roleArn) parts.push(`--role-arn ${shq(entry.roleArn)}`);
  // update-kubeconfig names the context after the cluster ARN; keep a custom context name with --alias.
  if (t.context && !t.context.startsWith('arn:')) parts.push(`--alias ${shq(t.context)}`);
  if (t.kubeconfig.length === 1 && !t.kubeconfig[0]!.endsWith('/.kube/config')) parts.push(`--kubeconfig ${shq(t.kubeconfig[0]!)}`);
  return parts.join(' ');
}

/** The AWS partition of a region (arn:aws, arn:aws-cn, arn:aws-us-gov). */
export function partitionOf(region: string | undefined): string {
  if (region?.startsWith('cn-')) return 'aws-cn';
  if (region?.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/**
 * An access entry with access policies for a principal, real names filled in. IAM Identity Center
 * roles need their full ARN with the aws-reserved path in an access entry (EKS access-entries docs), which
 * a canonical ARN lacks: then the ARN is looked up first. Policies are short names or full ARNs.
 */
export function accessEntryCommands(t: Target, principalArn: string, policies: string | readonly string[] = 'AmazonEKSClusterAdminPolicy', entry: { kubernetesGroups?: readonly string[]; username?: string } = {}): string[] {
  const needsPath = accessEntryPlaceholders(principalArn) !== undefined;
  const arn = needsPath ? '"$ROLE_ARN"' : shq(principalArn);
  const where = `--cluster-name ${clusterOf(t)} --region ${regionOf(t)}`;
  const groups = entry.kubernetesGroups?.length ? ` --kubernetes-groups ${entry.kubernetesGroups.map(shq).join(' ')}` : '';
  const username = entry.username ? ` --username ${shq(entry.username)}` : '';
  const policyArn = (x: string) => (x.startsWith('arn:') ? x : `arn:${partitionOf(t.region)}:eks::aws:cluster-access-policy/${x}`);
  return [
    `aws eks create-access-entry ${where} --principal-arn ${arn}${groups}${username}`,
    ...(typeof policies === 'string' ? [policies] : policies).map((x) => `aws eks associate-access-policy ${where} --principal-arn ${arn} --policy-arn ${shq(policyArn(x))} --access-scope type=cluster`),
  ];
}

/**
 * The placeholder accessEntryCommands leaves for an IAM Identity Center role known only without its path:
 * a value to look up, not a command substitution in a pasted line (issue 13 §3).
 */
export function accessEntryPlaceholders(principalArn: string): Record<string, string> | undefined {
  const p = parseArn(principalArn);
  if (!(isSsoRoleArn(principalArn) && p?.kind === 'role' && p.path === '/')) return undefined;
  return { ROLE_ARN: `the full ARN of role ${p.name}, with its aws-reserved/sso.amazonaws.com/ path (aws iam get-role --role-name ${p.name} --query Role.Arn --output text prints it)` };
}

/**
 * Installs or upgrades the AWS CLI v2 for this machine's platform (AWS CLI user guide,
 * getting-started-install): the Linux zip for x86_64 or aarch64, the macOS pkg, the Windows MSI.
 */
export function awsCliInstallCommands(platform: NodeJS.Platform = process.platform, arch: string = process.arch): string[] {
  // One command per line, run in order: no `&&` chains in a pasted fix (issue 13 §3).
  if (platform === 'darwin') return ['curl -o AWSCLIV2.pkg https://awscli.amazonaws.com/AWSCLIV2.pkg', 'sudo installer -pkg AWSCLIV2.pkg -target /'];
  if (platform === 'win32') return ['msiexec.exe /i https://awscli.amazonaws.com/AWSCLIV2.msi'];
  const cpu = arch === 'arm64' ? 'aarch64' : 'x86_64';
  return [`curl -o awscliv2.zip https://awscli.amazonaws.com/awscli-exe-linux-${cpu}.zip`, 'unzip -o awscliv2.zip', 'sudo ./aws/install --update'];
}

/** The one-line list of values, or `(none)`. */
export function listOf(values: readonly string[] | undefined): string {
  return values && values.length > 0 ? values.join(', ') : '(none)';
}
