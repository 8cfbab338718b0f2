import { isSsoRoleArn, parseArn } from '../facts/arn.js';
import type { Evidence, Target } from './types.js';

/** Shell-quotes a value only when it needs it, so pasted commands stay readable. */
export function shq(value: string): string {
  // Placeholders such as <cluster-name> stay bare: they are meant to be replaced, not pasted.
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) || /^<[a-z0-9-]+>$/i.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** `aws eks update-kubeconfig` with the real cluster, region, profile, role and context filled in. */
export function updateKubeconfigCommand(t: Target, e: Evidence = {}): string {
  const cluster = (e.clusterName as string | undefined) ?? t.cluster ?? '<cluster-name>';
  const region = (e.region as string | undefined) ?? t.region ?? '<region>';
  const parts = ['aws eks update-kubeconfig', `--name ${shq(cluster)}`, `--region ${shq(region)}`];
  const profile = (e.profile as string | undefined) ?? t.profile;
  if (profile) parts.push(`--profile ${shq(profile)}`);
  if (typeof e.roleArn === 'string') parts.push(`--role-arn ${shq(e.roleArn)}`);
  // update-kubeconfig names the context after the cluster ARN; keep a custom context name with --alias.
  if (t.context && !t.context.startsWith('arn:')) parts.push(`--alias ${shq(t.context)}`);
  if (t.kubeconfig.length === 1 && !t.kubeconfig[0]!.endsWith('/.kube/config')) parts.push(`--kubeconfig ${shq(t.kubeconfig[0]!)}`);
  return parts.join(' ');
}

/** `--context X` for kubectl commands, when a context is known. */
export function contextFlag(t: Target): string {
  return t.context ? ` --context ${shq(t.context)}` : '';
}

/**
 * An access entry with an access policy for a principal, real names filled in. IAM Identity Center
 * roles need their full ARN with the aws-reserved path in an access entry (EKS access-entries docs), which
 * a canonical ARN lacks: then the ARN is looked up first.
 */
export function accessEntryCommands(t: Target, principalArn: string, policy = 'AmazonEKSClusterAdminPolicy'): string[] {
  const p = parseArn(principalArn);
  const needsPath = isSsoRoleArn(principalArn) && p?.kind === 'role' && p.path === '/';
  const arn = needsPath ? '"$ROLE_ARN"' : shq(principalArn);
  const partition = t.region?.startsWith('cn-') ? 'aws-cn' : t.region?.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  const where = `--cluster-name ${shq(t.cluster ?? '<cluster-name>')} --region ${shq(t.region ?? '<region>')}`;
  return [
    ...(needsPath ? [`ROLE_ARN=$(aws iam get-role --role-name ${shq(p!.name)} --query Role.Arn --output text)`] : []),
    `aws eks create-access-entry ${where} --principal-arn ${arn}`,
    `aws eks associate-access-policy ${where} --principal-arn ${arn} --policy-arn arn:${partition}:eks::aws:cluster-access-policy/${policy} --access-scope type=cluster`,
  ];
}
