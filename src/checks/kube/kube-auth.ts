import { finding, type FindingOf } from '../../rules/index.js';
import { digest } from '../../shared/digest.js';
import { recordSource } from '../facts.js';
import { defineCheck, type CheckContext } from '../types.js';

const CALL_TIMEOUT_MS = 10_000;

/**
 * What the API server makes of the credential kubectl sends: 401 (a symptom), or who you are
 * (SelfSubjectReview) and whether you may do anything (a few representative SelfSubjectAccessReviews).
 */
export const kubeAuthCheck = defineCheck({
  id: 'kube-auth',
  title: 'Kubernetes API',
  dependsOn: ['endpoint', 'token'],
  waitsFor: ['identity'],
  emits: ['kube/unauthorized', 'kube/authenticated', 'kube/forbidden'],
  async run(ctx) {
    const { facts, once, finished } = ctx;
    const { createKubeApiClient, kubectlErrorText } = await import('../../facts/kube-api.js');
    const kc = facts.kubeconfig!;
    const c = kc.cluster;
    const credential = facts.credential ?? { kind: 'none' as const };
    const namespace = kc.context.namespace || 'default';
    const call = callOptions(ctx);
    // Contexts that send the same credential to the same server get the same answers: ask once.
    const secret = credential.kind === 'token' ? credential.token : credential.kind === 'client-certificate' ? credential.certPem : '';
    const { api, who, can } = await once(`kube:${c.server}:${digest(secret)}:${namespace}`, async () => {
      const api = createKubeApiClient({ server: c.server!, caPem: kc.caPem, insecure: c.insecureSkipTlsVerify, tlsServerName: c.tlsServerName, proxyUrl: c.proxyUrl, env: ctx.options.env, credential });
      // Both at once: the access reviews do not need the SelfSubjectReview (a 401 answers both the same way).
      const [who, can] = await Promise.all([api.whoAmI(call), api.canI(representativeReads(namespace), call)]);
      return { api, who, can };
    });
    const principalArn = async () => {
      await finished('identity'); // only to name the principal in the evidence
      return facts.identity?.principalArn ?? facts.execIdentity?.principalArn;
    };

    if (!who.ok && who.status === 401) {
      facts.kube = { api, authenticated: false };
      recordSource(facts, 'kubernetes-api', { status: 'denied', reason: '401 Unauthorized' });
      return { findings: [finding('kube/unauthorized', { principal: await principalArn(), message: kubectlErrorText(who), iamCredential: facts.iamCredential === true })], halt: 'the API server answers 401 Unauthorized' };
    }
    // Anything but an answer (404: no SelfSubjectReview API, go on without it) means the server could not be read.
    if (!who.ok && who.status !== 404) {
      recordSource(facts, 'kubernetes-api', { status: 'absent', reason: who.message });
      return { findings: [], halt: `SelfSubjectReview: ${who.message}` };
    }
    if (!can.ok) {
      recordSource(facts, 'kubernetes-api', { status: 'absent', reason: can.message });
      return { findings: [], halt: `SelfSubjectAccessReview: ${can.message}` };
    }
    recordSource(facts, 'kubernetes-api', { status: 'read' });
    const findings: FindingOf<'kube/authenticated' | 'kube/forbidden'>[] = [];
    const username = who.ok ? who.username : undefined;
    const groups = who.ok ? who.groups : [];
    if (who.ok) findings.push(finding('kube/authenticated', { username: who.username, groups, ...(who.uid && { uid: who.uid }), extra: who.extra }));

    const describe = (r: { verb: string; resource: string; namespace?: string }) => `${r.verb} ${r.resource}${r.namespace ? ` in ${r.namespace}` : ''}`;
    const allowed = can.results.filter((r) => r.allowed).map(describe);
    const denied = can.results.filter((r) => !r.allowed).map(describe);
    facts.kube = { api, authenticated: true, username, groups, allowed };
    if (allowed.length === 0) {
      const pods = await api.listPods(namespace, callOptions(ctx));
      findings.push(finding('kube/forbidden', { username, groups, denied: denied.join(', '), principalArn: await principalArn(), ...(!pods.ok && { message: kubectlErrorText(pods) }) }));
    }
    return { findings };
  },
});

/** Each Kubernetes call of a check is bounded by that check's own time and signal. */
export function callOptions(ctx: Pick<CheckContext, 'remainingMs' | 'signal'>) {
  return { timeoutMs: Math.min(CALL_TIMEOUT_MS, ctx.remainingMs()), signal: ctx.signal };
}

/** Reads any useful principal may do; when none is allowed, the principal can do nothing useful. */
function representativeReads(namespace: string) {
  return [
    { verb: 'list', resource: 'pods', namespace },
    { verb: 'get', resource: 'namespaces' },
    { verb: 'list', resource: 'configmaps', namespace },
  ];
}
