/** Pure per-entry rules, shared by `auth` (the selected context) and `lint` (every entry in a file). */
import type { ExecPluginIntent } from '../../facts/exec-plugin.js';
import type { KubeconfigProblem, KubeUser } from '../../facts/kubeconfig.js';
import { lineOf } from '../../facts/yaml-file.js';
import { finding } from '../../rules/index.js';

export const REMOVED_EXEC_API = 'client.authentication.k8s.io/v1alpha1';

export function problemFinding(p: KubeconfigProblem) {
  return p.kind === 'not-found'
    ? finding('kubeconfig/not-found', { paths: p.paths, source: p.source })
    : finding('kubeconfig/invalid', { file: p.file, message: p.message, ...(p.line !== undefined && { line: p.line }), ...(p.column !== undefined && { column: p.column }) });
}

export function staticTokenFinding(user: KubeUser) {
  return user.token !== undefined && !user.exec ? finding('kubeconfig/static-token', { user: user.name, file: user.file }) : undefined;
}

export function removedExecApiFinding(user: KubeUser, fileText: string, names: { clusterName?: string; region?: string }) {
  if (user.exec?.apiVersion !== REMOVED_EXEC_API) return undefined;
  const line = lineOf(fileText, /client\.authentication\.k8s\.io\/v1alpha1/);
  return finding('kubeconfig/exec-api-version-removed', { user: user.name, file: user.file, ...(line && { line }), apiVersion: REMOVED_EXEC_API, ...names });
}

/**
 * The exec plugin's --region is not the cluster's (from its endpoint host or cluster ARN). The token
 * still works — the authenticator accepts every STS region of the partition — but AWS calls in that
 * region find no such cluster (SPEC §5).
 */
export function regionMismatchFinding(plugin: ExecPluginIntent | undefined, clusterRegion: string | undefined, server: string) {
  if (!plugin?.region || !clusterRegion || plugin.region === clusterRegion) return undefined;
  return finding('kubeconfig/region-mismatch', { execRegion: plugin.region, clusterRegion, server, ...(plugin.clusterName && { clusterName: plugin.clusterName }) });
}
