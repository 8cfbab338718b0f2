/**
 * The scenario sweep's recording side (no vitest import: the globalSetup runs it in vitest's main
 * process). test/helpers/sweep.ts is the suites' side.
 */
import { mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { presignGetCallerIdentity, tokenOf } from '../../packages/eks-emulator/src/get-token/presign.js';
import { EXPIRED_TOKEN_AGE_MINUTES, listScenarios, loadScenario } from '../../packages/eks-emulator/src/index.js';
import type { Scenario } from '../../packages/eks-emulator/src/scenario.js';
import type { IssuedIdentity, RecordedRequest } from '../../packages/eks-emulator/src/state.js';
import { mapLimit, runEksdoctor, startRecordingProxy, startScenario, type ProxiedCall, type ScenarioRun } from './emulator.js';

/** A scenario as the sweep runs it; `grant` lets alice assume prod-admin so STS really issues session secrets. */
export interface SweepEntry {
  label: string;
  name: string;
  grant: boolean;
}

/** Every scenario, plus assume-role-denied with the role granted (the one run where AssumeRole returns secrets). */
export function sweepEntries(): SweepEntry[] {
  return [...listScenarios().map((s) => ({ label: s.name, name: s.name, grant: false })), { label: 'assume-role-granted', name: 'assume-role-denied', grant: true }];
}

/** assume-role-granted: alice may now assume prod-admin, so the exec plugin's AssumeRole returns fresh session secrets. */
export function grantAssumeRole(s: Scenario): void {
  s.principals.find((p) => p.name === 'alice')!.canAssume = ['arn:aws:iam::111122223333:role/prod-admin'];
}

/** A proxied AWS call as JSON (its query as a string). */
export type RecordedCall = Omit<ProxiedCall, 'query'> & { query: string };

export interface ScenarioRecording {
  label: string;
  /** The scenario as it ran (with the sweep's edit applied). */
  scenario: Scenario;
  /** The CLI arguments. */
  args: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The JSON report, as printed. */
  stdout: string;
  /** --verbose progress and anything else the CLI wrote to stderr. */
  stderr: string;
  /** Wall time of the process (for the suites' figures only: never asserted). */
  ms: number;
  /** Every request the emulator served (AWS and Kubernetes). */
  requests: RecordedRequest[];
  /** Every AWS request as the recording proxy saw it (query, body, access key, SDK invocation and attempt). */
  calls: RecordedCall[];
  /** How many times the exec plugin ran. */
  pluginRuns: number;
  /** Every token the exec plugin printed. */
  tokens: string[];
  /** Sessions STS issued through AssumeRole. */
  issued: IssuedIdentity[];
  /** Why there is no run at all (the harness failed before or around the CLI). */
  harnessError?: string;
}

/** Scenarios that wait (hangs, retries, servers elsewhere) start first, so their waits overlap with the rest. */
function waits(s: Scenario): number {
  return Number((s.faults?.length ?? 0) > 0 || s.kubeconfig.server !== undefined);
}

/**
 * Runs `auth --output json --verbose` once for `entry` through the real CLI and records everything it touched.
 * `beforeRun` may change the running emulator first (the policy suite enforces an IAM policy in it).
 */
export async function recordScenario(entry: SweepEntry, beforeRun?: (run: ScenarioRun) => void): Promise<ScenarioRecording> {
  const run = await startScenario(entry.name, {
    captureTokens: true,
    edit: entry.grant ? grantAssumeRole : undefined,
  });
  const proxy = await startRecordingProxy(run.awsUrl);
  run.state.addStsEndpoint(proxy.url); // kubectl's token is presigned for the proxy, which forwards to the emulator's STS
  await presignExpiredTokenFor(run, proxy.url);
  const args = ['auth', ...run.runArgs, '--output', 'json', '--verbose'];
  try {
    beforeRun?.(run);
    const r = await runEksdoctor(args, { ...run.env, AWS_ENDPOINT_URL: proxy.url });
    return {
      label: entry.label,
      scenario: run.scenario,
      args,
      code: r.code,
      signal: r.signal,
      stdout: r.stdout,
      stderr: r.stderr,
      ms: r.ms,
      requests: [...run.state.requests],
      calls: proxy.calls.map((c) => ({ ...c, query: c.query.toString() })),
      pluginRuns: run.capturedRuns(),
      tokens: run.capturedTokens(),
      issued: [...run.issued],
    };
  } finally {
    await proxy.close();
    await run.close();
  }
}

/**
 * `kubeconfig.staticToken: expired` is presigned by startEmulator for the emulator's own STS host. Behind
 * the proxy, the CLI's configured STS endpoint is the proxy, and a token for any other host is not an EKS
 * token at all (src/facts/eks-token.ts): presign it again, the same way, for the proxy, as `demo`'s is for
 * its endpoint (packages/eks-emulator/src/index.ts prepareKubeconfigMaterials).
 */
async function presignExpiredTokenFor(run: ScenarioRun, stsUrl: string): Promise<void> {
  const old = run.state.kubeconfigMaterials.expiredToken;
  if (!old) return;
  const { scenario } = run;
  const profile = scenario.local.env?.AWS_PROFILE ?? 'default';
  const p = scenario.principals.find((x) => x.name === scenario.local.profiles[profile])!;
  const url = new URL(stsUrl);
  const token = tokenOf(
    await presignGetCallerIdentity({
      credentials: { accessKeyId: p.accessKeyId, secretAccessKey: p.secretAccessKey, sessionToken: p.sessionToken },
      endpoint: { protocol: 'http:', host: url.host, signingRegion: scenario.kubeconfig.region ?? scenario.region },
      k8sAwsId: scenario.kubeconfig.clusterName ?? scenario.cluster.name,
      now: new Date(Date.now() - EXPIRED_TOKEN_AGE_MINUTES * 60_000),
    }),
  );
  const kubeconfig = readFileSync(run.kubeconfigPath, 'utf8');
  if (!kubeconfig.includes(old)) throw new Error(`${scenario.name}: the expired token is not in the kubeconfig`);
  writeFileSync(run.kubeconfigPath, kubeconfig.split(old).join(token));
  run.state.kubeconfigMaterials.expiredToken = token;
}

/** The order the sweep records `entries` in (the ones that wait first), for suites that take each as it comes. */
export function inRecordingOrder<T extends SweepEntry>(entries: T[]): T[] {
  return entries.map((e, i) => ({ e, i, waits: waits(loadScenario(e.name)) })).sort((a, b) => b.waits - a.waits || a.i - b.i).map(({ e }) => e);
}

/**
 * Records every entry, `concurrency` CLIs at a time; a harness failure is recorded for its scenario, never
 * thrown. `onRecorded` gets each recording as it is done, so a suite may start on it before the rest.
 */
export async function recordSweep({ entries = sweepEntries(), concurrency = 4, onRecorded }: { entries?: SweepEntry[]; concurrency?: number; onRecorded?: (r: ScenarioRecording) => void } = {}): Promise<ScenarioRecording[]> {
  const out: ScenarioRecording[] = new Array(entries.length);
  await mapLimit(inRecordingOrder(entries).map((e) => ({ e, i: entries.indexOf(e) })), concurrency, async ({ e, i }) => {
    try {
      out[i] = await recordScenario(e);
    } catch (err) {
      out[i] = {
        label: e.label,
        scenario: loadScenario(e.name),
        args: [],
        code: null,
        signal: null,
        stdout: '',
        stderr: '',
        ms: 0,
        requests: [],
        calls: [],
        pluginRuns: 0,
        tokens: [],
        issued: [],
        harnessError: err instanceof Error ? (err.stack ?? err.message) : String(err),
      };
    }
    onRecorded?.(out[i]);
  });
  return out;
}

export const SWEEP_FILE = 'sweep.json';
export const SWEEP_ERROR_FILE = 'sweep-error.txt';

/** One entry's own file, written as soon as it is recorded (a label is a scenario name: a safe file name). */
export function sweepEntryFile(label: string): string {
  return `entry-${label}.json`;
}

/** Writes `content` as `dir/file` atomically: readers never see half a file. */
function writeAtomically(dir: string, file: string, content: string): void {
  const tmp = join(dir, `${file}.tmp`);
  writeFileSync(tmp, content);
  renameSync(tmp, join(dir, file));
}

/** Writes the whole recording into `dir`. */
export function writeSweep(dir: string, recordings: ScenarioRecording[]): void {
  writeAtomically(dir, SWEEP_FILE, JSON.stringify(recordings));
}

/** Writes one entry's recording into `dir`, before the sweep is over. */
export function writeSweepEntry(dir: string, recording: ScenarioRecording): void {
  writeAtomically(dir, sweepEntryFile(recording.label), JSON.stringify(recording));
}

export function writeSweepError(dir: string, err: unknown): void {
  writeFileSync(join(dir, SWEEP_ERROR_FILE), err instanceof Error ? (err.stack ?? err.message) : String(err));
}

/** A fresh directory for the sweep (the globalSetup's). */
export function sweepDir(): string {
  return mkdtempSync(join(tmpdir(), 'eksdoctor-sweep-'));
}
