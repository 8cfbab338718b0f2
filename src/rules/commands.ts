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
