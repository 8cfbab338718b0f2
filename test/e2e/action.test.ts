/**
 * The GitHub Action (issue 17 §4): action.yml is a composite action whose logic is action/run.sh, run
 * here as the runner runs it — with $GITHUB_OUTPUT and $GITHUB_STEP_SUMMARY files and INPUT_* variables —
 * against the emulator. The output file is read back with the runner's own rules for `name=value` and
 * `name<<delimiter` (docs.github.com "Workflow commands", multiline strings).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT } from '../helpers/cli.js';
import { startScenario, type ScenarioRun } from '../helpers/emulator.js';

const RUN_SH = join(ROOT, 'action', 'run.sh');

/** The runner's reading of $GITHUB_OUTPUT: `name=value` lines, and `name<<DELIM` … a line `DELIM`. */
function parseGithubOutput(text: string): { values: Map<string, string>; delimiters: Map<string, string> } {
  const values = new Map<string, string>();
  const delimiters = new Map<string, string>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const end = lines.indexOf(delimiter!, i + 1);
      if (end < 0) throw new Error(`no closing delimiter for ${name}`);
      values.set(name!, lines.slice(i + 1, end).join('\n'));
      delimiters.set(name!, delimiter!);
      i = end;
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0) throw new Error(`not a name=value line: ${line}`);
    values.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return { values, delimiters };
}

interface StepResult { cwd: string; code: number | null; stdout: string; stderr: string; outputs: Map<string, string>; delimiters: Map<string, string>; summary: string }

/** A runner's bin directory with `eksdoctor` on it, as action/install.sh leaves it (here: the built CLI). */
function runnerPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'eksdoctor-action-bin-'));
  symlinkSync(BIN, join(dir, 'eksdoctor'));
  return dir;
}

function runStep(run: ScenarioRun, inputs: Record<string, string>): Promise<StepResult> {
  const dir = mkdtempSync(join(tmpdir(), 'eksdoctor-action-'));
  const outputFile = join(dir, 'github_output');
  const summaryFile = join(dir, 'step_summary');
  writeFileSync(outputFile, 'earlier=kept\n');
  writeFileSync(summaryFile, '');
  const env: NodeJS.ProcessEnv = {
    ...run.env,
    PATH: `${runnerPath()}:${run.env.PATH}`,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    RUNNER_TEMP: dir,
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase().replace(/-/g, '_')}`, v])),
  };
  return new Promise((done, fail) => {
    const child = spawn('bash', [RUN_SH], { env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', fail);
    child.on('close', (code) => {
      const { values, delimiters } = parseGithubOutput(readFileSync(outputFile, 'utf8'));
      done({ cwd: dir, code, stdout, stderr, outputs: values, delimiters, summary: readFileSync(summaryFile, 'utf8') });
    });
  });
}

describe('action.yml', () => {
  const action = yaml.load(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string }>;
    outputs: Record<string, { value: string }>;
    runs: { using: string; steps: { id?: string; uses?: string; with?: Record<string, unknown>; run?: string; shell?: string; env?: Record<string, string> }[] };
  };

  it('is a composite action: Node 20, install from its own checkout, then action/run.sh', () => {
    expect(action.runs.using).toBe('composite');
    const [setup, install, step] = action.runs.steps;
    expect(setup!.uses).toMatch(/^actions\/setup-node@v\d+$/);
    expect(String(setup!.with!['node-version'])).toBe('20');
    expect(install!.run).toContain('${{ github.action_path }}/action/install.sh');
    expect(step!.run).toContain('${{ github.action_path }}/action/run.sh');
    for (const s of [install!, step!]) expect(s.shell).toBe('bash');
  });

  it('passes every input to run.sh through the environment, and maps its outputs', () => {
    expect(Object.keys(action.inputs).sort()).toEqual(['args', 'cluster', 'context', 'fail-on', 'principal', 'region']);
    const step = action.runs.steps.find((s) => s.run?.includes('run.sh'))!;
    for (const name of Object.keys(action.inputs)) expect(step.env![`INPUT_${name.toUpperCase().replace(/-/g, '_')}`]).toBe(`\${{ inputs.${name} }}`);
    // No input is spliced into a script's text.
    for (const s of action.runs.steps) expect(s.run ?? '').not.toContain('inputs.');
    expect(action.outputs.report!.value).toBe(`\${{ steps.${step.id}.outputs.report }}`);
    expect(action.inputs['fail-on']!.default).toBe('error');
  });

  it('install.sh installs the package from the checkout, globally, with no registry (the bundle is built)', async () => {
    const prefix = mkdtempSync(join(tmpdir(), 'eksdoctor-action-prefix-'));
    const env = {
      ...process.env, npm_config_prefix: prefix, npm_config_cache: join(prefix, '.cache'), npm_config_offline: 'true', npm_config_registry: 'http://127.0.0.1:9/',
      npm_config_update_notifier: 'false', RUNNER_TEMP: prefix, PATH: `${join(prefix, 'bin')}:${process.env.PATH}`,
    };
    const r = await new Promise<{ code: number | null; out: string }>((done) => {
      const child = spawn('bash', [join(ROOT, 'action', 'install.sh')], { env, cwd: prefix, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      child.on('close', (code) => done({ code, out }));
    });
    expect(r.code, r.out).toBe(0);
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(r.out.trim().split('\n').at(-1)).toBe(version);
    expect(realpathSync(join(prefix, 'bin', 'eksdoctor')).startsWith(ROOT)).toBe(false);
  }, 120_000);

  it('its scripts are valid bash', async () => {
    for (const script of ['run.sh', 'install.sh']) {
      const r = await new Promise<number | null>((done) => spawn('bash', ['-n', join(ROOT, 'action', script)], { stdio: 'inherit' }).on('close', done));
      expect(r, script).toBe(0);
    }
  });
});

describe('action/run.sh against the emulator', () => {
  let classic: ScenarioRun;
  let warnings: ScenarioRun;
  beforeAll(async () => {
    [classic, warnings] = await Promise.all([startScenario('classic'), startScenario('duplicate-aws-auth-entry')]);
  });
  afterAll(async () => Promise.all([classic?.close(), warnings?.close()]));

  it('classic: annotations on stdout, the JSON report as a multiline output, Markdown in the summary, exit 1', async () => {
    const r = await runStep(classic, { 'fail-on': 'error' });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^::error .*title=aws-auth\/principal-not-mapped::/m);
    expect(r.stdout).toMatch(/^::notice title=eksdoctor FAIL::/m);
    // The output file kept what was there and got report<<DELIM … DELIM with a random delimiter.
    expect(r.outputs.get('earlier')).toBe('kept');
    const delimiter = r.delimiters.get('report')!;
    expect(delimiter).toMatch(/^EKSDOCTOR_[0-9a-f]{32}$/);
    const report = JSON.parse(r.outputs.get('report')!) as { schemaVersion: number; rootCauses: string[]; verdict: string };
    expect(report.schemaVersion).toBe(1);
    expect(report.rootCauses).toEqual(classic.scenario.expect!.rootCauses);
    expect(r.outputs.get('report')!.split('\n').length).toBeGreaterThan(10);
    expect(r.outputs.get('verdict')).toBe('fail');
    expect(r.outputs.get('exit-code')).toBe('1');
    expect(r.summary).toMatch(/^## eksdoctor auth /m);
    expect(r.summary).toContain('aws-auth/principal-not-mapped');
    // A second run picks another delimiter.
    const again = await runStep(classic, { 'fail-on': 'error' });
    expect(again.delimiters.get('report')).not.toBe(delimiter);
  });

  it('fail-on follows the input: a warning passes with error, fails with warning', async () => {
    const lenient = await runStep(warnings, { 'fail-on': 'error' });
    expect(lenient.code, lenient.stderr).toBe(0);
    expect(lenient.stdout).toMatch(/^::warning .*title=aws-auth\/duplicate-entry::/m);
    expect(lenient.outputs.get('verdict')).toBe('warn');
    const strict = await runStep(warnings, { 'fail-on': 'warning' });
    expect(strict.code).toBe(1);
    expect(strict.outputs.get('exit-code')).toBe('1');
  });

  it('fail-on never: findings do not fail the step, the outputs still say what happened', async () => {
    const r = await runStep(classic, { 'fail-on': 'never' });
    expect(r.code).toBe(0);
    expect(r.outputs.get('exit-code')).toBe('1');
    expect(JSON.parse(r.outputs.get('report')!).verdict).toBe('fail');
  });

  it('context, principal and args reach eksdoctor (args may add more files)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eksdoctor-action-args-'));
    const context = (yaml.load(readFileSync(classic.kubeconfigPath, 'utf8')) as { contexts: { name: string }[] }).contexts[0]!.name;
    const r = await runStep(classic, {
      context,
      principal: 'arn:aws:iam::111122223333:user/cluster-admin',
      args: `--no-logs\n  --output junit=${join(dir, 'eksdoctor.xml')}`,
    });
    const report = JSON.parse(r.outputs.get('report')!) as { target: { context: string }; identity: { principalArn: string; source: string }; checks: { id: string; status: string }[] };
    expect(report.target.context).toBe(context);
    expect(report.identity).toMatchObject({ principalArn: 'arn:aws:iam::111122223333:user/cluster-admin', source: 'principal-option' });
    expect(report.checks.find((c) => c.id === 'logs')?.status).toBe('skip');
    expect(readFileSync(join(dir, 'eksdoctor.xml'), 'utf8')).toMatch(/^<\?xml/);
    const missing = await runStep(classic, { context: 'no-such-context' });
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/title=kubeconfig\/context-not-found/);
  });

  it("the README's example works as written: its `with:` run against the emulator writes the files it uploads", async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### GitHub Action'));
    const workflow = yaml.load(/```yaml\n([\s\S]*?)```/.exec(section)![1]!) as { jobs: Record<string, { steps: { id?: string; uses?: string; with?: Record<string, string>; path?: string }[] }> };
    const steps = Object.values(workflow.jobs)[0]!.steps;
    const step = steps.find((s) => s.uses?.startsWith('eksdoctor/eksdoctor@'))!;
    expect(step).toBeDefined();
    const action = yaml.load(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, unknown> };
    for (const key of Object.keys(step.with ?? {})) expect(Object.keys(action.inputs)).toContain(key);
    const r = await runStep(classic, step.with ?? {});
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toBe('');
    const uploaded = steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!.with!.path!;
    expect(uploaded).toBe('eksdoctor.*');
    expect(readdirSync(r.cwd).filter((f) => f.startsWith('eksdoctor.')).sort()).toEqual(['eksdoctor.json', 'eksdoctor.xml']);
    expect(JSON.parse(readFileSync(join(r.cwd, 'eksdoctor.json'), 'utf8'))).toEqual(JSON.parse(r.outputs.get('report')!));
  });

  it('a bad fail-on is a usage error before anything runs', async () => {
    const r = await runStep(classic, { 'fail-on': 'sometimes' });
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^::error title=eksdoctor::fail-on must be error, warning or never/);
  });
});
