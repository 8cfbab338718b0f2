/**
 * The embedded EKS emulator (SPEC §8): one loopback HTTP endpoint for EKS, STS and CloudWatch
 * Logs, and an HTTPS Kubernetes API server with its own CA, sharing one EmulatorState.
 */
import { startAwsServer } from './aws-server.js';
import { presignGetCallerIdentity, tokenOf } from './get-token/presign.js';
import { startKubeApiServer } from './kube/server.js';
import { createUnrelatedCaPem } from './kube/tls.js';
import type { Scenario } from './scenario.js';
import { EmulatorState } from './state.js';

export { materializeHome, isolatedEnv, BUILTIN_GET_TOKEN, type MaterializedHome } from './home.js';
export { listScenarios, loadScenario, DEFAULT_SCENARIO, ScenarioError } from './scenarios.js';
export { EmulatorState } from './state.js';

export interface RunningEmulator {
  state: EmulatorState;
  awsUrl: string;
  kubeUrl: string;
  caPem: string;
  close(): Promise<void>;
}

export async function startEmulator(
  scenario: Scenario,
  opts: { host?: string; awsPort?: number; kubePort?: number; latencyMs?: number } = {},
): Promise<RunningEmulator> {
  const host = opts.host ?? '127.0.0.1';
  if (!isLoopback(host)) throw new Error(`the emulator only listens on loopback, not ${host}`);
  const state = new EmulatorState(scenario);
  state.latencyMs = opts.latencyMs ?? 0;
  const kube = await startKubeApiServer(state, { host, port: opts.kubePort });
  let aws;
  try {
    aws = await startAwsServer(state, { host, port: opts.awsPort, endpoint: () => ({ url: kube.url, caPem: kube.caPem }) });
  } catch (e) {
    await kube.close();
    throw e;
  }
  state.addStsEndpoint(aws.url);
  await prepareKubeconfigMaterials(state, aws.url);
  return {
    state,
    awsUrl: aws.url,
    kubeUrl: kube.url,
    caPem: kube.caPem,
    close: async () => {
      await Promise.all([aws.close(), kube.close()]);
    },
  };
}

/** Minutes before now the `expired` static token was presigned: past aws-iam-authenticator's 15-minute window. */
export const EXPIRED_TOKEN_AGE_MINUTES = 20;

async function prepareKubeconfigMaterials(state: EmulatorState, awsUrl: string): Promise<void> {
  const { scenario } = state;
  const kc = scenario.kubeconfig;
  if (kc.caFromOtherCluster) state.kubeconfigMaterials.otherCaPem = await createUnrelatedCaPem();
  if (kc.staticToken === 'expired') {
    const profile = scenario.local.env?.AWS_PROFILE ?? 'default';
    const p = scenario.principals.find((x) => x.name === scenario.local.profiles[profile]);
    if (!p) throw new Error(`kubeconfig.staticToken: expired: no principal for profile ${profile}`);
    const url = new URL(awsUrl);
    const presigned = await presignGetCallerIdentity({
      credentials: { accessKeyId: p.accessKeyId, secretAccessKey: p.secretAccessKey, sessionToken: p.sessionToken },
      endpoint: { protocol: url.protocol === 'https:' ? 'https:' : 'http:', host: url.host, signingRegion: kc.region ?? scenario.region },
      k8sAwsId: kc.clusterName ?? scenario.cluster.name,
      now: new Date(Date.now() - EXPIRED_TOKEN_AGE_MINUTES * 60_000),
    });
    state.kubeconfigMaterials.expiredToken = tokenOf(presigned);
  }
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
