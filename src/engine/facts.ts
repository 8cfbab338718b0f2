import type { ExecPluginIntent } from '../facts/exec-plugin.js';
import type { KubeCluster, KubeContext, Kubeconfig, KubeUser } from '../facts/kubeconfig.js';

/** The kubeconfig entry kubectl would use, and what it says about the EKS cluster. */
export interface SelectedKubeconfig {
  config: Kubeconfig;
  context: KubeContext;
  cluster: KubeCluster;
  user: KubeUser;
  /** Present when the user authenticates through an exec plugin. */
  plugin?: ExecPluginIntent;
  /** The region in the EKS endpoint hostname, when the server is a real EKS endpoint. */
  serverRegion?: string;
}

/**
 * Facts gathered once per run; each slot is written by one check and read by the checks that
 * declare it as a dependency (STYLE: dependencies on data, not on other checks' internals).
 */
export interface Facts {
  kubeconfig?: SelectedKubeconfig;
}
