import { digest, envFingerprint } from '../../engine/keys.js';
import type { Check, Finding } from '../../engine/types.js';

const EXEC_TIMEOUT_MS = 20_000;

/**
 * The token kubectl sends: the exec plugin run exactly as kubectl runs it (or the static token),
 * decoded, and replayed to STS as the authenticator does to learn the principal inside it.
 */
export const tokenCheck: Check = {
  id: 'token',
  title: 'kubectl token',
  dependsOn: ['kubeconfig'],
  after: ['exec-plugin'],
  emits: ['identity/token-generation-failed', 'identity/token-expired', 'kubeconfig/exec-api-version-mismatch'],
  async run({ facts, options, target, signal, remainingMs, once }) {
    const [{ runExecPlugin, replayTokenIdentity, replayEndpointFromEnv, pluginEnvironment }, { decodeEksToken }, { canonicalPrincipalArn }] = await Promise.all([
      import('../../facts/exec-credential.js'),
      import('../../facts/eks-token.js'),
      import('../../facts/arn.js'),
    ]);
    const kc = facts.kubeconfig!;
    const exec = kc.user.exec;
    let token: string;
    if (exec) {
      // The same exec config gives the same credential: run it once per config, as client-go caches it.
      const cluster = { server: kc.cluster.server!, caData: kc.cluster.caData };
      const key = JSON.stringify([exec, kc.user.file, envFingerprint(options.env), exec.provideClusterInfo ? cluster : null]);
      const r = await once(`exec:${digest(key)}`, () => runExecPlugin(exec, { kubeconfigFile: kc.user.file, env: options.env, timeoutMs: Math.min(EXEC_TIMEOUT_MS, remainingMs()), signal, cluster }));
      if (!r.ok) {
        // A missing command is the exec-plugin check's finding already.
        if (r.problem === 'not-found') return { findings: [], halt: r.message };
        const finding: Finding =
          r.problem === 'api-version-mismatch'
            ? { rule: 'kubeconfig/exec-api-version-mismatch', evidence: { configured: r.configured, returned: r.returned, command: exec.command } }
            : { rule: 'identity/token-generation-failed', evidence: { command: exec.command, problem: r.problem, message: r.message, exitCode: r.exitCode, profile: kc.plugin?.profile, roleArn: kc.plugin?.roleArn } };
        return { findings: [finding], halt: `the exec plugin failed (${r.problem})` };
      }
      if (r.clientCertificate) return { findings: [], halt: 'the exec plugin returns a client certificate, not an EKS token' };
      token = r.token;
    } else if (kc.user.hasToken) {
      token = await staticToken(kc.user.file, kc.user.name);
    } else {
      return { findings: [], skip: `user "${kc.user.name}" has neither an exec plugin nor a token` };
    }
    facts.token = token;

    const decoded = decodeEksToken(token);
    // A well-formed token whose 15 minutes have passed comes back with its fields (pkg/token: X-Amz-Date expiry).
    const expired = !decoded.ok ? decoded.decoded : decoded.expiresAt.getTime() <= Date.now() ? decoded : undefined;
    if (expired) {
      return { findings: [{ rule: 'identity/token-expired', evidence: { signedAt: expired.date.toISOString(), expiresAt: expired.expiresAt.toISOString() } }], halt: 'the token has expired' };
    }
    if (!decoded.ok) return { findings: [], halt: `not an EKS token: ${decoded.error}` };
    const clusterName = kc.plugin?.clusterName ?? target.cluster;
    if (!clusterName) return { findings: [] };
    const stsEndpoint = replayEndpointFromEnv(exec ? pluginEnvironment(options.env, exec) : options.env);
    const replay = await once(`replay:${clusterName}:${stsEndpoint}:${digest(token)}`, () => replayTokenIdentity(token, { clusterName, stsEndpoint, signal, timeoutMs: Math.min(10_000, remainingMs()) }));
    if (replay.ok) facts.execIdentity = { arn: replay.arn, principalArn: canonicalPrincipalArn(replay.arn), accountId: replay.accountId, userId: replay.userId, source: 'exec-token' };
    return { findings: [] };
  },
};

/** The static token's value, read again from the kubeconfig only here (the loader keeps no secret). */
async function staticToken(file: string, user: string): Promise<string> {
  const [{ readFile }, yaml] = await Promise.all([import('node:fs/promises'), import('js-yaml')]);
  const doc = yaml.default.load(await readFile(file, 'utf8')) as { users?: { name: string; user?: { token?: string } }[] };
  return doc.users?.find((u) => u.name === user)?.user?.token ?? '';
}
