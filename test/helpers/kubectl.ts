/**
 * Running the real kubectl against the emulator: which suite runs it with the real `aws eks get-token` on
 * which scenarios, so that between them every way the scenarios set up the AWS CLI is covered (the AWS CLI
 * is a Python process per token, kubectl's costliest part, and a third of the suite's CPU), and which
 * kubectl binary.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { request } from 'node:https';
import { delimiter, dirname, join } from 'node:path';
import type { Scenario } from '../../packages/eks-emulator/src/scenario.js';

/**
 * test/conformance/kubectl.test.ts checks, with the AWS CLI as exec plugin, one scenario per awsCliSetup
 * among those whose kubectl symptom is one of these (and its exact wording); test/unit/emulator-scenario-symptoms.test.ts
 * runs the AWS CLI on every other scenario, and on one scenario per symptom here; both with kubectlArgsFor's
 * command. The builtin get-token plays every scenario there.
 */
export const AWS_CLI_SYMPTOMS_IN_CONFORMANCE: readonly string[] = ['ok', 'Unauthorized', 'Forbidden'];

/**
 * What the real AWS CLI sees of a scenario, for a symptom: how kubectl's exec plugin calls it (or a static
 * token instead), the shell's AWS variables, and the kind of keys its profile holds. Scenarios alike in all
 * of these differ only in what the emulator decides about the same kind of token, which the builtin
 * get-token (byte-identical tokens: test/unit/eks-token.test.ts) plays on every scenario; the 51 scenarios
 * with those symptoms come to 12 set-ups (2026-12-02).
 */
export function awsCliSetup(s: Scenario): string {
  const k = s.kubeconfig;
  const profile = k.profile ?? s.local.env?.AWS_PROFILE ?? 'default';
  const p = s.principals.find((x) => x.name === s.local.profiles[profile]);
  return JSON.stringify({
    symptom: s.expect.kubectl,
    exec: k.staticToken !== undefined ? 'static token' : { command: k.command, args: k.args, apiVersion: k.apiVersion, roleArn: k.roleArn !== undefined, profile: k.profile !== undefined, clusterName: k.clusterName !== undefined, region: k.region !== undefined },
    shell: Object.keys(s.local.env ?? {}).sort(),
    keys: p ? (p.sessionToken ? 'session' : 'long-term') : 'none',
  });
}

/**
 * The kubectl command that shows a symptom at the least cost. Where the credential is the problem (a 401, a
 * failing plugin), `get pods` retries discovery and re-runs the exec plugin each time (six AWS CLI processes,
 * ~3 s of CPU, measured 2026-12-02), while `auth whoami` asks once and, on a 401, once more with a fresh
 * credential (client-go's retry); it prints the same error. Everything else shows itself on `get pods`.
 */
export function kubectlArgsFor(symptom: string): string[] {
  return symptom === 'Unauthorized' || symptom === 'exec failed' ? ['auth', 'whoami'] : ['get', 'pods'];
}

/**
 * The gcloud SDK's `kubectl` is a dispatcher (GoogleCloudPlatform/kubectl-dispatcher): it asks the server's
 * /version — running the exec plugin for it — within a fixed 5 s, then executes `kubectl.<major>.<minor>`
 * beside itself; when the question fails (a 401, or a loaded machine where the plugin takes longer) it runs its
 * own newer kubectl instead, which sends protobuf bodies the emulator cannot read. The directory of its
 * versioned binaries, when `kubectl` on PATH is one.
 */
const DISPATCHER_DIR = (() => {
  try {
    const client = execFileSync('kubectl', ['version', '--client', '-o', 'json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 30_000 });
    if (!/"gitVersion":\s*"v[^"]*-dispatcher"/.test(client)) return undefined;
    const onPath = (process.env.PATH ?? '').split(delimiter).map((d) => join(d, 'kubectl')).find((p) => existsSync(p));
    return onPath ? dirname(realpathSync(onPath)) : undefined;
  } catch {
    return undefined;
  }
})();

/**
 * The kubectl to run against an emulator: what the dispatcher picks when its version question succeeds (the
 * binary of the server's minor version), asked here without credentials so the answer does not depend on
 * the load or the scenario's token; plain `kubectl` without a dispatcher, or when the API server does not
 * answer /version within `timeoutMs` (a hang: the dispatcher falls back too).
 */
export async function kubectlFor(kubeUrl: string, caPem: string, timeoutMs = 5_000): Promise<string> {
  if (!DISPATCHER_DIR) return 'kubectl';
  const version = await new Promise<{ major?: string; minor?: string } | undefined>((resolve) => {
    const req = request(new URL('/version', kubeUrl), { ca: caPem, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => {
        try {
          resolve(res.statusCode === 200 ? (JSON.parse(body) as { major?: string; minor?: string }) : undefined);
        } catch {
          resolve(undefined);
        }
      });
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.on('close', () => resolve(undefined));
    req.end();
  });
  const minor = Number.parseInt(version?.minor ?? '', 10);
  const versioned = join(DISPATCHER_DIR, `kubectl.${version?.major}.${minor}`);
  return version && Number.isFinite(minor) && existsSync(versioned) ? versioned : 'kubectl';
}
