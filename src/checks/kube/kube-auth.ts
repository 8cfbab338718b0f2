import { digest } from '../../engine/keys.js';
import type { Check, Finding } from '../../engine/types.js';

const CALL_TIMEOUT_MS = 10_000;

/**
 * What the API server makes of the token kubectl sends: 401 (a symptom), or who you are
 * (SelfSubjectReview) and whether you may do anything (a few representative SelfSubjectAccessReviews).
 */
export const kubeAuthCheck: Check = {
  id: 'kube-auth',
  title: 'Kubernetes API',
  dependsOn: ['endpoint', 'token'],
  waitsFor: ['identity'],
  emits: ['kube/unauthorized', 'kube/authenticated', 'kube/forbidden'],
  async run({ facts, signal, remainingMs, once, finished }) {
    const { createKubeApiClient, kubectlErrorText } = await import('../../facts/kube-api.js');
    const kc = facts.kubeconfig!;
    const namespace = kc.context.namespace || 'default';
    // Contexts that send the same token to the same server get the same answers: ask once.
    const { api, who, can } = await once(`kube:${kc.cluster.server}:${digest(facts.token!)}:${namespace}`, async () => {
      const api = createKubeApiClient({ server: kc.cluster.server!, caPem: kc.caPem, insecure: kc.cluster.insecureSkipTlsVerify, token: facts.token!, timeoutMs: Math.min(CALL_TIMEOUT_MS, remainingMs()), signal });
      // Both at once: the access reviews do not need the SelfSubjectReview (a 401 answers both the same way).
      const [who, can] = await Promise.all([api.whoAmI(), api.canI(representativeReads(namespace))]);
      return { api, who, can };
    });

    if (!who.ok && who.status === 401) {
      facts.kube = { api, authenticated: false };
      await finished('identity'); // only to name the principal in the evidence
      const principal = facts.identity?.principalArn ?? facts.execIdentity?.principalArn;
      return { findings: [{ rule: 'kube/unauthorized', evidence: { principal, status: 401, message: kubectlErrorText(who) } }], halt: 'the API server answers 401 Unauthorized' };
    }
    // Anything but an answer (404: no SelfSubjectReview API, go on without it) means the server could not be read.
    if (!who.ok && who.status !== 404) return { findings: [], halt: `SelfSubjectReview: ${who.message}` };
    if (can && !can.ok) return { findings: [], halt: `SelfSubjectAccessReview: ${can.message}` };
    const findings: Finding[] = [];
    const username = who.ok ? who.username : undefined;
    const groups = who.ok ? who.groups : undefined;
    if (who.ok) findings.push({ rule: 'kube/authenticated', evidence: { username, groups, uid: who.uid, extra: who.extra } });

    const describe = (r: { verb: string; resource: string; namespace?: string }) => `${r.verb} ${r.resource}${r.namespace ? ` in ${r.namespace}` : ''}`;
    const allowed = can?.ok ? can.results.filter((r) => r.allowed).map(describe) : [];
    const denied = can?.ok ? can.results.filter((r) => !r.allowed).map(describe) : [];
    facts.kube = { api, authenticated: true, username, groups, allowed };
    if (can?.ok && allowed.length === 0) {
      await finished('identity');
      const principal = facts.identity?.principalArn ?? facts.execIdentity?.principalArn;
      const pods = await api.listPods(namespace);
      const message = pods.ok ? undefined : kubectlErrorText(pods);
      findings.push({ rule: 'kube/forbidden', evidence: { username, groups, denied: denied.join(', '), principalArn: principal, message } });
    }
    return { findings };
  },
};

/** Reads any useful principal may do; when none is allowed, the principal can do nothing useful. */
function representativeReads(namespace: string) {
  return [
    { verb: 'list', resource: 'pods', namespace },
    { verb: 'get', resource: 'namespaces' },
    { verb: 'list', resource: 'configmaps', namespace },
  ];
}
