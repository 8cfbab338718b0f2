import { finding } from '../../rules/index.js';
import { digest } from '../../shared/digest.js';
import { defineCheck } from '../types.js';

const PROBE_TIMEOUT_MS = 10_000;

/** Can the API server be reached the way kubectl reaches it: DNS, TCP, proxy, TLS against the kubeconfig's CA. */
export const endpointCheck = defineCheck({
  id: 'endpoint',
  title: 'API endpoint',
  dependsOn: ['kubeconfig'],
  waitsFor: ['cluster'],
  emits: ['cluster/endpoint-unreachable', 'cluster/tls-error'],
  async run({ facts, options, signal, remainingMs, once, finished }) {
    const { probeEndpoint } = await import('../../facts/kube-probe.js');
    const kc = facts.kubeconfig!;
    const c = kc.cluster;
    const server = c.server!;
    const tls = { ca: kc.caPem, insecure: c.insecureSkipTlsVerify, serverName: c.tlsServerName };
    const key = `probe:${server}:${c.insecureSkipTlsVerify}:${c.tlsServerName}:${c.proxyUrl}:${digest(kc.caPem ?? '')}`;
    const r = await once(key, () => probeEndpoint(server, { tls, proxyUrl: c.proxyUrl, env: options.env, timeoutMs: Math.min(PROBE_TIMEOUT_MS, remainingMs()), signal }));
    if (r.ok) return { findings: [] };
    // Only a failure needs the cluster's endpoint settings as evidence: the probe did not wait for them.
    await finished('cluster');
    const cluster = facts.cluster;
    const evidence = {
      server,
      stage: r.stage,
      problem: r.problem,
      ...(r.code && { code: r.code }),
      message: r.message,
      elapsedMs: r.elapsedMs,
      ...(r.addresses && { addresses: r.addresses }),
      ...(cluster && { endpointPublicAccess: cluster.endpointPublicAccess, endpointPrivateAccess: cluster.endpointPrivateAccess, publicAccessCidrs: cluster.publicAccessCidrs }),
    };
    // A handshake that never completes is a server that does not answer, not a CA problem (SPEC §7).
    const certificateProblem = r.stage === 'tls' && r.problem !== 'tls-timeout';
    return { findings: [finding(certificateProblem ? 'cluster/tls-error' : 'cluster/endpoint-unreachable', evidence)], halt: `${server}: ${r.problem}` };
  },
});
