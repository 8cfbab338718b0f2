/**
 * Running the real kubectl against the emulator: which suite runs it with the real `aws eks get-token` on
 * which scenarios, so that between them every scenario is covered once (the AWS CLI is a Python process per
 * token, kubectl's costliest part), and which kubectl binary.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { request } from 'node:https';
import { delimiter, dirname, join } from 'node:path';

/**
 * test/conformance/kubectl.test.ts checks, with the AWS CLI as exec plugin, every scenario whose kubectl
 * symptom is one of these (and its exact wording); test/unit/emulator-scenario-symptoms.test.ts runs the AWS
 * CLI on every other scenario, and on one scenario per symptom here, with `kubectl get pods`.
 */
export const AWS_CLI_SYMPTOMS_IN_CONFORMANCE: readonly string[] = ['ok', 'Unauthorized', 'Forbidden'];

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
