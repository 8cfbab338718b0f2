/**
 * Every scenario, served by the whole emulator (AWS endpoint + Kubernetes API server), makes the
 * real kubectl fail (or succeed) exactly as its `expect.kubectl` says, and nothing it does mutates:
 * kubectl (`get pods`, or `auth whoami` where the credential fails: kubectlArgsFor) with our builtin
 * get-token as exec plugin on every scenario, and with the real `aws eks get-token` on every scenario
 * whose symptom test/conformance/kubectl.test.ts does not take (it takes ok, Unauthorized and Forbidden,
 * one scenario per AWS CLI set-up: test/helpers/kubectl.ts awsCliSetup) plus one scenario of each of those.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isolatedEnv, listScenarios, loadScenario, materializeHome, startEmulator } from '../../packages/eks-emulator/src/index.js';
import { BUILTIN_GET_TOKEN } from '../../packages/eks-emulator/src/home.js';
import { AWS_CLI_SYMPTOMS_IN_CONFORMANCE, kubectlArgsFor, kubectlFor } from '../helpers/kubectl.js';

function has(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

const hasKubectl = has('kubectl', ['version', '--client']);
const builtinBuilt = existsSync(join(BUILTIN_GET_TOKEN, '..', '..', 'dist', 'eksdoctor-aws.mjs'));
/** The real `aws eks get-token` when installed, and our builtin once `npm run build` has produced dist/. */
const execModes = [...(has('aws', ['--version']) ? (['aws-cli'] as const) : []), ...(builtinBuilt ? (['builtin'] as const) : [])];
if (!hasKubectl || execModes.length === 0) console.warn('skipping kubectl scenario symptoms: needs kubectl and either the AWS CLI or a built dist/');
/** Scenarios only our builtin get-token can play (the real AWS CLI answers what kubectl asks for). */
const builtinOnly = (name: string) => loadScenario(name).kubeconfig.pluginReturns !== undefined;
const symptomOf = (name: string) => loadScenario(name).expect.kubectl;
const names = listScenarios().map((s) => s.name);
/** With the AWS CLI: what kubectl.test.ts does not cover, and the first scenario of each symptom it does. */
const withAwsCli = (name: string) =>
  !builtinOnly(name) && (!AWS_CLI_SYMPTOMS_IN_CONFORMANCE.includes(symptomOf(name)) || names.find((n) => symptomOf(n) === symptomOf(name)) === name);
const cases = execModes.flatMap((exec) => names.filter((name) => (exec === 'builtin' ? true : withAwsCli(name))).map((name) => [name, exec] as const));

/** How kubectl (client-go) words each symptom (SPEC §9). */
const SYMPTOMS: Record<string, RegExp> = {
  Unauthorized: /Unauthorized|the server has asked for the client to provide credentials/,
  Forbidden: /Forbidden|forbidden: User/,
  'invalid apiVersion': /invalid apiVersion "client\.authentication\.k8s\.io\/v1alpha1"/,
  'executable not found': /executable aws-iam-authenticator not found/,
  timeout: /Client\.Timeout exceeded|context deadline exceeded|TLS handshake timeout|i\/o timeout/,
  'connection refused': /connection refused/,
  'exec failed': /getting credentials: exec: executable .* failed with exit code/,
  // kubectl ≥ 1.24 no longer registers v1alpha1, so decoding fails before the version comparison;
  // with two registered versions client-go says "plugin returned version …" instead.
  'plugin returned v1alpha1': /no kind "ExecCredential" is registered for version "client\.authentication\.k8s\.io\/v1alpha1"|plugin returned version client\.authentication\.k8s\.io\/v1alpha1/,
  'certificate signed by unknown authority': /x509: certificate signed by unknown authority/,
};

/**
 * A short request timeout only where a hang is the point (kubectl retries discovery, each attempt waiting
 * the whole timeout: 1 s keeps the hang scenario at seconds); elsewhere a loaded machine must not look like
 * one (the request timeout also covers the exec plugin, and kubectl runs it up to seven times for a 401).
 */
const HANG_REQUEST_TIMEOUT = '1s';
const REQUEST_TIMEOUT = '60s';
/** A net for a broken emulator: a killed kubectl fails the case (its partial output is no symptom). */
const KILL_AFTER_MS = 150_000;

function kubectl(bin: string, args: string[], env: Record<string, string>, requestTimeout: string): Promise<{ code: number; stdout: string; out: string }> {
  return new Promise((resolve, reject) =>
    execFile(bin, [...args, `--request-timeout=${requestTimeout}`], { env, timeout: KILL_AFTER_MS }, (e, stdout, stderr) => {
      if (e && (e as { killed?: boolean }).killed) return reject(new Error(`kubectl killed after ${KILL_AFTER_MS} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
      resolve({ code: e ? ((e as { code?: number }).code ?? -1) : 0, stdout, out: stdout + stderr });
    }),
  );
}

describe.skipIf(!hasKubectl || cases.length === 0)('kubectl symptoms per scenario', () => {
  it('every symptom is played with each exec plugin, and every scenario with the builtin one', () => {
    const symptoms = (exec: string) => [...new Set(cases.filter(([, e]) => e === exec).map(([n]) => symptomOf(n)))].sort();
    const everySymptom = [...new Set(names.filter((n) => !builtinOnly(n)).map(symptomOf))].sort();
    if (execModes.includes('aws-cli')) expect(symptoms('aws-cli')).toEqual(everySymptom);
    if (execModes.includes('builtin')) expect(cases.filter(([, e]) => e === 'builtin').map(([n]) => n)).toEqual(names);
    for (const s of names.map(symptomOf)) expect(s === 'ok' || s in SYMPTOMS, `a pattern for "${s}"`).toBe(true);
  });

  it.concurrent.each(cases)('%s (exec: %s)', async (name, exec) => {
    const scenario = loadScenario(name);
    const emu = await startEmulator(scenario);
    const dir = mkdtempSync(join(tmpdir(), `eksdoctor-${name}-`));
    try {
      const { env } = materializeHome(emu, dir, { exec });
      const r = await kubectl(await kubectlFor(emu.kubeUrl, emu.caPem), kubectlArgsFor(scenario.expect.kubectl), isolatedEnv(process.env, env), scenario.expect.kubectl === 'timeout' ? HANG_REQUEST_TIMEOUT : REQUEST_TIMEOUT);
      if (scenario.expect.kubectl === 'ok') {
        expect(r.code, r.out).toBe(0);
        expect(r.stdout).toMatch(/^NAME\s+READY\s+STATUS/);
      } else {
        expect(r.code).not.toBe(0);
        expect(r.out).toMatch(SYMPTOMS[scenario.expect.kubectl] ?? /^$/);
      }
      expect(emu.state.requests.filter((q) => q.mutating)).toEqual([]);
    } finally {
      await emu.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, KILL_AFTER_MS + 30_000);
});
