/** Facts readable from an EKS API server URL or cluster ARN without asking AWS. */

// EKS endpoints look like https://<32 hex>.<suffix>.<region>.eks.amazonaws.com (aws-cn: .amazonaws.com.cn).
const EKS_HOST = /^[0-9a-f]+\.[a-z0-9]+\.([a-z]{2}(?:-[a-z]+)+-\d)\.eks\.amazonaws\.com(?:\.cn)?$/i;
const EKS_CLUSTER_ARN = /^arn:aws[a-z-]*:eks:([a-z0-9-]+):(\d{12}):cluster\/(.+)$/;

export function regionFromEksServer(server: string | undefined): string | undefined {
  if (!server) return undefined;
  try {
    return EKS_HOST.exec(new URL(server).hostname)?.[1]?.toLowerCase();
  } catch {
    return undefined;
  }
}

export function isEksServer(server: string | undefined): boolean {
  return regionFromEksServer(server) !== undefined;
}

/** `aws eks update-kubeconfig` names contexts, clusters and users after the cluster ARN. */
export function parseEksClusterArn(value: string | undefined): { region: string; accountId: string; clusterName: string } | undefined {
  const m = value ? EKS_CLUSTER_ARN.exec(value) : null;
  return m ? { region: m[1]!, accountId: m[2]!, clusterName: m[3]! } : undefined;
}
