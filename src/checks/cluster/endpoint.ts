import { digest } from '../../engine/keys.js';
import type { Check } from '../../engine/types.js';

const PROBE_TIMEOUT_MS = 10_000;

/** Can the API server be reached the way kubectl reaches it: DNS, TCP, TLS against the kubeconfig's CA. */
export const endpointCheck: Check = {
  id: 'endpoint',
  title: 'API endpoint',
  dependsOn: ['kubeconfig'],
  waitsFor: ['cluster'],
  emits: ['cluster/endpoint-unreachable', 'cluster/tls-error'],
  async run({ facts, signal, remainingMs, once, finished }) {
    const { probeEndpoint } = await import('../../facts/kube-probe.js');
    const kc = facts.kubeconfig!;
    const server = kc.cluster.server!;
    const insecure = kc.cluster.insecureSkipTlsVerify;
    const r = await once(`probe:${server}:${insecure}:${digest(kc.caPem ?? '')}`, () => probeEndpoint(server, { caPem: kc.caPem, insecure, timeoutMs: Math.min(PROBE_TIMEOUT_MS, remainingMs()), signal }));
    if (r.ok) return { findings: [] };
    // Only a failure needs the cluster's endpoint settings as evidence: the probe did not wait for them.
    await finished('cluster');
    const access = facts.cluster && {
      endpointPublicAccess: facts.cluster.endpointPublicAccess,
      endpointPrivateAccess: facts.cluster.endpointPrivateAccess,
      publicAccessCidrs: facts.cluster.publicAccessCidrs,
    };
    const evidence = { server, stage: r.stage, problem: r.problem, code: r.code, message: r.message, elapsedMs: r.elapsedMs, addresses: r.addresses, ...access };
    const rule = r.stage === 'tls' ? 'cluster/tls-error' : 'cluster/endpoint-unreachable';
    return { findings: [{ rule, evidence }], halt: `${server}: ${r.problem}` };
  },
};
