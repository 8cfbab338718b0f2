/**
 * End-to-end harness for the reliability and security tests (SPEC §7): starts the embedded emulator
 * in this process (so the test can read `state.requests` and the secrets STS issued), writes the
 * isolated HOME a scenario's user would have, and runs the built CLI against it as a user would.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILTIN_GET_TOKEN } from '../../src/emulator/home.js';
import { isolatedEnv, loadScenario, materializeHome, startEmulator, type EmulatorState } from '../../src/emulator/index.js';
import type { Scenario } from '../../src/emulator/scenario.js';
import type { IssuedIdentity } from '../../src/emulator/state.js';
import { BIN } from './cli.js';

export interface ScenarioRun {
  scenario: Scenario;
  state: EmulatorState;
  awsUrl: string;
  kubeUrl: string;
  caPem: string;
  home: string;
  kubeconfigPath: string;
  /** The environment to run the CLI with: the host's minus AWS_* and KUBECONFIG, plus the scenario's. */
  env: Record<string, string>;
  /** Sessions STS issued through AssumeRole during the run (their secret key and session token). */
  issued: IssuedIdentity[];
  /** Every ExecCredential the exec plugin printed (when started with `captureTokens`). */
  capturedTokens(): string[];
  /** `--profile`/`--principal` the scenario is meant to be diagnosed with (as `demo` passes them). */
  runArgs: string[];
  close(): Promise<void>;
}

export interface StartOptions {
  /** Change the loaded scenario before the emulator starts (faults, canAssume, a kubeconfig override…). */
  edit?: (s: Scenario) => void;
  /** Wrap the exec plugin so every token it prints is also appended to a file the test can read. */
  captureTokens?: boolean;
}

export async function startScenario(name: string, opts: StartOptions = {}): Promise<ScenarioRun> {
  const scenario = loadScenario(name);
  opts.edit?.(scenario);
  const emulator = await startEmulator(scenario);
  const issued: IssuedIdentity[] = [];
  const issue = emulator.state.issueRoleSession.bind(emulator.state);
  emulator.state.issueRoleSession = (roleArn: string, sessionName: string) => {
    const identity = issue(roleArn, sessionName);
    issued.push(identity);
    return identity;
  };
  const home = mkdtempSync(join(tmpdir(), `eksdoctor-e2e-${scenario.name}-`));
  const { env, kubeconfigPath } = materializeHome(emulator, home, { exec: 'builtin' });
  const captureFile = join(home, 'exec-credentials.log');
  if (opts.captureTokens) wrapExecPlugin(kubeconfigPath, home, captureFile);
  const runArgs = [
    ...(scenario.run?.profile ? ['--profile', scenario.run.profile] : []),
    ...(scenario.run?.principal ? ['--principal', scenario.run.principal] : []),
  ];
  return {
    scenario,
    state: emulator.state,
    awsUrl: emulator.awsUrl,
    kubeUrl: emulator.kubeUrl,
    caPem: emulator.caPem,
    home,
    kubeconfigPath,
    env: isolatedEnv(process.env, { ...env, NO_COLOR: '1' }),
    issued,
    capturedTokens: () => {
      try {
        return readFileSync(captureFile, 'utf8')
          .split('\n')
          .flatMap((line) => /"token":\s*"([^"]+)"/.exec(line)?.[1] ?? []);
      } catch {
        return [];
      }
    },
    runArgs,
    close: async () => {
      await emulator.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/**
 * Replaces the builtin `eksdoctor-aws` in the kubeconfig with a script of the same name that runs
 * it and appends its stdout (the ExecCredential with the token) to `captureFile`, so the secrets
 * test knows the exact bearer tokens that were handed to eksdoctor. Exit code and stderr pass through.
 */
function wrapExecPlugin(kubeconfigPath: string, home: string, captureFile: string): void {
  const dir = mkdtempSync(join(home, 'bin-'));
  const wrapper = join(dir, 'eksdoctor-aws');
  writeFileSync(
    wrapper,
    `#!/bin/sh\nout=$("${BUILTIN_GET_TOKEN}" "$@")\nrc=$?\nprintf '%s\\n' "$out" | tr -d '\\n' >> "${captureFile}"\necho >> "${captureFile}"\nprintf '%s\\n' "$out"\nexit $rc\n`,
  );
  chmodSync(wrapper, 0o755);
  const kubeconfig = readFileSync(kubeconfigPath, 'utf8');
  if (!kubeconfig.includes(BUILTIN_GET_TOKEN)) return; // a scenario with another (missing) command or a static token
  writeFileSync(kubeconfigPath, kubeconfig.split(BUILTIN_GET_TOKEN).join(wrapper));
}

export interface TimedResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * Runs `node bin/eksdoctor ...args` with `env`; kills it after `killAfterMs` (a safety net: a run
 * that needs it has already broken its --timeout contract, and the test says so).
 */
export function runEksdoctor(args: string[], env: NodeJS.ProcessEnv, killAfterMs = 90_000): Promise<TimedResult> {
  return new Promise((done, fail) => {
    const started = performance.now();
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('error', (e) => {
      clearTimeout(killer);
      fail(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      done({ code, signal, stdout, stderr, ms: performance.now() - started });
    });
  });
}

/** Runs `fn` over `items` with at most `limit` in flight; results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Node's and V8's stack frame shape (`    at fn (file:line:col)`), which no output may contain. */
export const STACK_FRAME = /^\s+at .+(\(.*:\d+:\d+\)|:\d+:\d+)$/m;

export interface JsonReport {
  verdict: string;
  rootCauses: string[];
  checks: { id: string; status: string; reason?: string; durationMs: number }[];
  findings: { rule: string; severity: string; check: string; title: string; detail?: string; evidence: Record<string, unknown> }[];
  durationMs: number;
}
