/**
 * Issue 13 §4 "proven": for every broken scenario, the fix eksdoctor prints is run as a person would run
 * it and shown to work. Start from the caller's diagnosis (the built CLI's `auth -o json` as the scenario
 * sweep recorded it, test/helpers/sweep.ts: the same CLI on the same scenario, run once for every suite
 * that reads it); take the root causes' commands (the kubectl-only variant, never the eksctl
 * alternative); fill the placeholders the fix lists from the scenario's data (ADMIN_PROFILE → a profile
 * this test adds for the admin the fix names);
 * run each with the real AWS CLI (AWS_ENDPOINT_URL points it at the emulator: botocore ≥ 1.31 reads it)
 * and kubectl (`kubectl edit` through an editor that writes the fix's `insert` lines); diagnose again:
 * verdict pass, exit 0; and real `kubectl get pods` as the original caller succeeds. A scenario whose fix
 * cannot be run here says why in its YAML (`fixProof.skip`); a healthy one has nothing to prove.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isolatedEnv, listScenarios, loadScenario, materializeHome, startEmulator } from '../../packages/eks-emulator/src/index.js';
import { awsConfigFile, awsCredentialsFile } from '../../packages/eks-emulator/src/home.js';
import type { Scenario } from '../../packages/eks-emulator/src/scenario.js';
import type { Report, ReportFinding } from '../../src/report/model.js';
import { has } from '../conformance/tools.js';
import { runEksdoctor } from '../helpers/emulator.js';
import { kubectlFor } from '../helpers/kubectl.js';
import { shellWords } from '../helpers/shell-words.js';
import { recordedReport, sweptRecording } from '../helpers/sweep.js';

const HAS_TOOLS = has('kubectl', ['version', '--client']) && has('aws', ['--version']);
if (!HAS_TOOLS) console.warn('e2e/fix-proof: skipped, needs both `kubectl` and `aws` on PATH');

/** The profile this test adds for the administrator a fix names (never in the scenario before the first diagnosis). */
const ADMIN_PROFILE = 'fixproof-admin';
const CHILD_TIMEOUT_MS = 60_000;
/** Fix, diagnose again, fix what is now visible: at most this many rounds. */
const MAX_ROUNDS = 3;
/** Two cores, shared: two scenarios at a time. */
const LIMIT = 2;

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], env: Record<string, string>): Promise<Ran> {
  return new Promise((resolve) =>
    execFile(cmd, args, { env, encoding: 'utf8', timeout: CHILD_TIMEOUT_MS, killSignal: 'SIGKILL' }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0, stdout, stderr }),
    ),
  );
}

/** A semaphore: `LIMIT` scenarios at a time, whatever vitest's concurrency. */
let running = 0;
const waiting: (() => void)[] = [];
async function slot<T>(work: () => Promise<T>): Promise<T> {
  while (running >= LIMIT) await new Promise<void>((r) => waiting.push(r));
  running++;
  try {
    return await work();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/** `kubectl edit` as a person would do it: an editor that adds the fix's `insert` lines at the end of the data section it names. */
const EDITOR = `
const { readFileSync, writeFileSync } = require('node:fs');
const YAML = require(process.env.FIXPROOF_YAML);
const insert = JSON.parse(process.env.FIXPROOF_INSERT);
const file = process.argv[2];
const doc = YAML.parse(readFileSync(file, 'utf8'));
const section = /^at the end of data\\.(\\w+)/.exec(insert.where);
if (!section) { console.error('fix-proof editor: cannot follow "' + insert.where + '"'); process.exit(1); }
doc.data = doc.data || {};
const before = doc.data[section[1]] || '';
doc.data[section[1]] = (before && !before.endsWith('\\n') ? before + '\\n' : before) + insert.lines.join('\\n') + '\\n';
writeFileSync(file, YAML.stringify(doc));
`;

/** The scenario principal an ARN names (roles compare without their path, as aws-auth and the fixers do). */
function principalNamed(s: Scenario, arn: string | undefined): string | undefined {
  const bare = (a: string) => a.replace(/:role\/.*\//, ':role/').toLowerCase();
  return arn ? s.principals.find((p) => bare(p.arn) === bare(arn))?.name : undefined;
}

/**
 * Who ADMIN_PROFILE must be: the principal its description names; else (eksdoctor could see no admin and
 * says "a cluster administrator") the scenario's own: its creator, an IAM admin, or a principal aws-auth
 * makes system:masters, as the person at the keyboard would find one.
 */
function adminFor(s: Scenario, description: string | undefined): string | undefined {
  const named = principalNamed(s, /arn:aws[\w-]*:iam::\d{12}:[\w+=,.@/-]+/.exec(description ?? '')?.[0]);
  if (named) return named;
  if (s.cluster.creator) return s.cluster.creator;
  const iamAdmin = s.principals.find((p) => p.iamAdmin)?.name;
  if (iamAdmin) return iamAdmin;
  const masters = /(?:rolearn|userarn): (\S+)\n(?:\s+username: \S+\n)?\s+groups:\n\s+- system:masters/.exec(Object.values(s.awsAuth ?? {}).join('\n'));
  return principalNamed(s, masters?.[1]);
}

/** The commands to prove: the root causes' (kubectl-only, never the alternative); without a cause, the errors', then the warnings'. */
function fixesOf(report: Report): ReportFinding[] {
  const withCommands = report.findings.filter((f) => f.fix && f.fix.commands.length > 0);
  const roots = withCommands.filter((f) => f.rootCause);
  if (roots.length > 0) return roots;
  const errors = withCommands.filter((f) => f.severity === 'error');
  return errors.length > 0 ? errors : withCommands.filter((f) => f.severity === 'warning');
}

type Outcome = { kind: 'proven'; commands: string[] } | { kind: 'healthy' } | { kind: 'skipped'; why: string };

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The caller's first diagnosis: the sweep's recorded report of the scenario (waited for, outside a slot). */
async function firstDiagnosis(name: string): Promise<Report> {
  const recorded = recordedReport(await sweptRecording(name));
  if (!recorded.report) throw new Error(recorded.error);
  return recorded.report;
}

async function prove(scenario: Scenario, report: Report): Promise<Outcome> {
  const { name } = scenario;
  const emu = await startEmulator(scenario);
  const home = mkdtempSync(join(tmpdir(), `eksdoctor-fixproof-${name}-`));
  dirs.push(home);
  try {
    const { env: homeEnv } = materializeHome(emu, home, { exec: 'builtin' });
    const env = isolatedEnv(process.env, { ...homeEnv, NO_COLOR: '1', AWS_MAX_ATTEMPTS: '1', AWS_PAGER: '' });
    const runArgs = [...(scenario.run?.profile ? ['--profile', scenario.run.profile] : []), ...(scenario.run?.principal ? ['--principal', scenario.run.principal] : [])];
    if (report.verdict === 'pass' || (scenario.expect.exitCode === 0 && scenario.expect.rootCauses.length === 0)) return { kind: 'healthy' };
    const context = report.target.context!;
    // The kubectl binary the gcloud dispatcher would pick, picked once: through the dispatcher every kubectl
    // command runs the exec plugin twice (its version question, then the real kubectl), a second AWS CLI
    // process each time once a fix has written `aws` into the kubeconfig.
    const kubectl = await kubectlFor(emu.kubeUrl, emu.caPem);
    const ran: string[] = [];
    // As a person would: run the root cause's fix, diagnose again, and fix what the run can now see
    // (a caller let in may read aws-auth, which shows the broken line the first run could not).
    let current = report;
    let last: Awaited<ReturnType<typeof runEksdoctor>> | undefined;
    for (let round = 1; round <= MAX_ROUNDS && current.verdict !== 'pass'; round++) {
      const fixes = fixesOf(current);
      expect(fixes.length, `${name}: a fix to run in round ${round} (verdict ${current.verdict}: ${current.summary})`).toBeGreaterThan(0);
      for (const f of fixes) {
        const fix = f.fix!;
        const values: Record<string, string> = {};
        for (const [key, meaning] of Object.entries(fix.placeholders ?? {})) {
          if (key === 'ADMIN_PROFILE') {
            const admin = adminFor(scenario, meaning);
            expect(admin, `${name}: a scenario principal for ADMIN_PROFILE (${meaning})`).toBeDefined();
            // The profile an administrator would have: added now, after the diagnosis, in the same files.
            scenario.local.profiles[ADMIN_PROFILE] = admin!;
            writeFileSync(homeEnv.AWS_SHARED_CREDENTIALS_FILE!, awsCredentialsFile(scenario));
            writeFileSync(homeEnv.AWS_CONFIG_FILE!, awsConfigFile(scenario));
            values[key] = ADMIN_PROFILE;
          } else if (key === 'ROLE_ARN') {
            values[key] = scenario.principals.find((p) => p.name === principalNamed(scenario, report.identity?.principalArn))?.arn ?? '';
          } else {
            throw new Error(`${name}: no value in the scenario for placeholder ${key} (${meaning})`);
          }
        }
        for (const command of fix.commands) {
          const read = shellWords(command);
          if ('error' in read) throw new Error(`${name}: not one command (${read.error}): ${command}`);
          const args = read.words.map((w) => w.replace(/\$([A-Z_][A-Z0-9_]*)/g, (_, k: string) => values[k] ?? `$${k}`));
          const [tool, ...rest] = args;
          expect(['aws', 'kubectl'], `${name}: runs with the AWS CLI or kubectl only: ${command}`).toContain(tool);
          const editorEnv: Record<string, string> =
            tool === 'kubectl' && rest[0] === 'edit'
              ? { KUBE_EDITOR: `node ${writeEditor(home)}`, FIXPROOF_INSERT: JSON.stringify(fix.insert), FIXPROOF_YAML: createRequire(import.meta.url).resolve('yaml') }
              : {};
          const r = tool === 'kubectl' ? await run(kubectl, ['--request-timeout=20s', ...rest], { ...env, ...editorEnv }) : await run(tool!, rest, env);
          expect(r.code, `${name}: ${command}\n${r.stderr}${r.stdout}`).toBe(0);
          ran.push(command);
        }
      }
      // The caller's own context: a fixer's update-kubeconfig makes theirs current, and the proof is for the caller.
      last = await runEksdoctor(['auth', ...runArgs, '--context', context, '--output', 'json'], env, CHILD_TIMEOUT_MS);
      current = JSON.parse(last.stdout) as Report;
    }

    const after = current;
    const left = after.findings.filter((f) => f.severity !== 'info').map((f) => `${f.severity} ${f.rule}: ${f.title}`);
    // Still the caller: a fix must not have swapped the caller's kubeconfig credentials for the fixer's.
    if (report.identity) expect(after.identity?.principalArn, `${name}: kubectl still presents the caller`).toBe(report.identity.principalArn);
    expect({ verdict: after.verdict, code: last?.code, left }, `${name}: after ${ran.join(' ; ')}`).toEqual({ verdict: 'pass', code: 0, left: [] });
    const pods = await run(kubectl, ['--request-timeout=20s', '--context', context, 'get', 'pods'], env);
    expect(pods.code, `${name}: kubectl get pods as the caller\n${pods.stderr}`).toBe(0);
    return { kind: 'proven', commands: ran };
  } finally {
    await emu.close();
  }
}

let editorPath: string | undefined;
function writeEditor(home: string): string {
  editorPath = join(home, 'fixproof-editor.cjs');
  writeFileSync(editorPath, EDITOR);
  return editorPath;
}

const outcomes = new Map<string, Outcome>();
afterAll(() => {
  const by = (k: Outcome['kind']) => [...outcomes].filter(([, o]) => o.kind === k).map(([n]) => n);
  console.log(`fix-proof: ${by('proven').length} proven, ${by('skipped').length} skipped with a reason, ${by('healthy').length} healthy (nothing to fix)`);
  for (const [n, o] of outcomes) if (o.kind === 'skipped') console.log(`  skipped ${n}: ${o.why}`);
});

describe.skipIf(!HAS_TOOLS)('every broken scenario: the printed fix, run, lets the caller in (issue 13 §4)', () => {
  it.concurrent.each(listScenarios().map((s) => s.name))('%s', async (name) => {
    const scenario = loadScenario(name);
    const outcome: Outcome = scenario.fixProof ? { kind: 'skipped', why: scenario.fixProof.skip } : await firstDiagnosis(name).then((report) => slot(() => prove(scenario, report)));
    outcomes.set(name, outcome);
    // A net: up to three rounds of real CLIs, plus the wait for a slot; 97 s seen with two suites side by side.
  }, 400_000);
});

describe('fixProof in scenario files', () => {
  it('a skip says why', () => {
    for (const { name } of listScenarios()) {
      const s = loadScenario(name);
      if (s.fixProof) expect(s.fixProof.skip.length, s.name).toBeGreaterThan(10);
    }
    expect(readFileSync(new URL('../../packages/eks-emulator/src/scenario.ts', import.meta.url), 'utf8')).toContain('fixProof?: { skip: string }');
  });
});
