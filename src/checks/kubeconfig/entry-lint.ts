import type { Finding } from '../../engine/types.js';
import type { ExecPluginIntent } from '../../facts/exec-plugin.js';
import type { KubeUser } from '../../facts/kubeconfig.js';
import { lineOf } from '../../facts/yaml-file.js';

/** Pure per-entry rules, shared by `auth` (the selected context) and `lint` (every entry in a file). */

export const REMOVED_EXEC_API = 'client.authentication.k8s.io/v1alpha1';

export function staticTokenFinding(user: KubeUser): Finding | undefined {
  return user.hasToken && !user.exec ? { rule: 'kubeconfig/static-token', evidence: { user: user.name, file: user.file } } : undefined;
}

export function removedExecApiFinding(user: KubeUser, fileText: string, names: { clusterName?: string; region?: string }): Finding | undefined {
  if (user.exec?.apiVersion !== REMOVED_EXEC_API) return undefined;
  const line = lineOf(fileText, /client\.authentication\.k8s\.io\/v1alpha1/);
  return {
    rule: 'kubeconfig/exec-api-version-removed',
    evidence: { user: user.name, file: user.file, ...(line && { line }), apiVersion: REMOVED_EXEC_API, ...names },
  };
}

export function regionMismatchFinding(plugin: ExecPluginIntent | undefined, serverRegion: string | undefined, server: string): Finding | undefined {
  if (!plugin?.region || !serverRegion || plugin.region === serverRegion) return undefined;
  return { rule: 'kubeconfig/region-mismatch', evidence: { execRegion: plugin.region, clusterRegion: serverRegion, server, clusterName: plugin.clusterName } };
}
