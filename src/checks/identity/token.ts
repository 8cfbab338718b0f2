import { pluginEnvironment, runExecPlugin } from '../../facts/exec-credential.js';
import { digest, envFingerprint } from '../../shared/digest.js';
import { finding } from '../../rules/index.js';
import { defineCheck } from '../types.js';

const EXEC_TIMEOUT_MS = 20_000;

/**
 * What kubectl sends: the exec plugin run exactly as kubectl runs it, or the user's static token,
 * token file or client certificate. An EKS token is decoded and replayed to STS as the authenticator
 * does, to learn the principal inside it; any other credential is still handed to the API checks.
 */
export const tokenCheck = defineCheck({
  id: 'token',
  title: 'kubectl credential',
  dependsOn: ['kubeconfig'],
  emits: ['identity/token-generation-failed', 'identity/token-expired', 'kubeconfig/exec-api-version-mismatch', 'kubeconfig/invalid', 'identity/not-iam-credential'],
  async run({ facts, options, target, signal, remainingMs, once }) {
    // The plugin starts before anything else is loaded (its code comes with the check): an import() now
    // would queue behind the AWS SDK that aws-identity starts loading at the same moment, and kubectl's
    // token is the longest wait of a run. What reads the token loads meanwhile.
    const modules = Promise.all([import('../../facts/token-replay.js'), import('../../facts/eks-token.js'), import('../../facts/arn.js'), import('../../facts/kube-credential.js')]);
    modules.catch(() => undefined); // awaited below where needed; a failure surfaces there, not as an unhandled rejection
    const kc = facts.kubeconfig!;
    const exec = kc.user.exec;
    const user = kc.user.name;
    let token: string;
    if (exec) {
      // The same exec config gives the same credential: run it once per config, as client-go caches it.
      const cluster = { server: kc.cluster.server!, caData: kc.cluster.caData };
      const key = JSON.stringify([exec, kc.user.file, envFingerprint(options.env), exec.provideClusterInfo ? cluster : null]);
      const r = await once(`exec:${digest(key)}`, () => runExecPlugin(exec, { kubeconfigFile: kc.user.file, env: options.env, timeoutMs: Math.min(EXEC_TIMEOUT_MS, remainingMs()), signal, cluster }));
      if (!r.ok) {
        // A missing command is the exec-plugin check's finding already.
        if (r.problem === 'not-found') return { findings: [], halt: r.message };
        const f =
          r.problem === 'api-version-mismatch'
            ? finding('kubeconfig/exec-api-version-mismatch', { configured: r.configured, returned: r.returned, command: exec.command })
            : finding('identity/token-generation-failed', { command: exec.command, problem: r.problem, message: r.message, ...(r.exitCode !== undefined && { exitCode: r.exitCode }), profile: kc.plugin?.profile, roleArn: kc.plugin?.roleArn });
        return { findings: [f], halt: r.problem === 'exit' ? `the exec plugin exited ${r.exitCode ?? 'on a signal'}` : r.problem === 'timeout' ? 'the exec plugin did not finish in time' : 'the exec plugin printed no usable credential' };
      }
      if (r.clientCertificateData && r.clientKeyData) {
        facts.credential = { kind: 'client-certificate', certPem: r.clientCertificateData, keyPem: r.clientKeyData };
        return { findings: [finding('identity/not-iam-credential', { user, credential: 'exec-client-certificate' })] };
      }
      token = r.token;
    } else {
      const { staticCredential } = (await modules)[3];
      const s = await staticCredential(kc.user);
      if (!s.ok) return { findings: [finding('kubeconfig/invalid', { file: kc.user.file, message: `user "${user}": ${s.message}` })], halt: s.message };
      facts.credential = s.credential;
      if (s.credential.kind !== 'token') return { findings: [finding('identity/not-iam-credential', { user, credential: s.kind })] };
      token = s.credential.token;
    }
    facts.credential = { kind: 'token', token };
    const [{ replayTokenIdentity, replayEndpointFromEnv }, { decodeEksToken, partitionOfRegion }, { canonicalPrincipalArn }] = await modules;

    const execEnv = exec ? pluginEnvironment(options.env, exec) : options.env;
    const stsEndpoint = replayEndpointFromEnv(execEnv);
    const region = kc.clusterRegion ?? target.region;
    const decoded = decodeEksToken(token, { configuredEndpoint: stsEndpoint, ...(region && { partition: partitionOfRegion(region) }) });
    // A well-formed token whose 15 minutes have passed comes back with its fields (pkg/token: X-Amz-Date expiry).
    const expired = !decoded.ok ? decoded.decoded : decoded.expiresAt.getTime() <= Date.now() ? decoded : undefined;
    facts.iamCredential = decoded.ok || expired !== undefined;
    if (expired) {
      return { findings: [finding('identity/token-expired', { signedAt: expired.date.toISOString(), expiresAt: expired.expiresAt.toISOString() })], halt: 'the token has expired' };
    }
    if (!decoded.ok) {
      // Not an EKS token (a service-account or OIDC token): the API server still decides, with it.
      return { findings: [finding('identity/not-iam-credential', { user, credential: exec ? 'exec-token' : kc.user.tokenFile ? 'token-file' : 'static-token' })] };
    }
    // Outposts: --cluster-id is what the token names, not a cluster name (aws eks get-token); the authenticator compares that.
    const clusterId = kc.plugin?.clusterId ?? kc.plugin?.clusterName ?? target.cluster;
    if (!clusterId) return { findings: [] };
    const replay = await once(`replay:${clusterId}:${stsEndpoint}:${digest(token)}`, () =>
      replayTokenIdentity(token, { clusterName: clusterId, stsEndpoint, env: execEnv, signal, timeoutMs: Math.min(10_000, remainingMs()), ...(region && { partition: partitionOfRegion(region) }) }),
    );
    if (replay.ok) facts.execIdentity = { arn: replay.arn, principalArn: canonicalPrincipalArn(replay.arn), accountId: replay.accountId, userId: replay.userId, source: 'exec-token' };
    return { findings: [] };
  },
});
