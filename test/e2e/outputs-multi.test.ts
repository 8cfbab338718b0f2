/**
 * One run, several outputs (issue 17 §3): `--output` repeated with `FORMAT=FILE` destinations, so a CI
 * step gates (exit code), annotates (`github` on stdout) and archives (JSON, JUnit, Markdown files) with
 * one diagnosis. Through the built CLI, against the emulator and on offline fixtures.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, isolatedEnv, runCli } from '../helpers/cli.js';
import { runEksdoctor, startScenario, type ScenarioRun } from '../helpers/emulator.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'eksdoctor-outputs-'));
const WORKFLOW_COMMAND = /^::(error|warning|notice)( [^:]*)?::.*$/;
const offline = (file: string, ...args: string[]) => ['auth', '--offline', '--kubeconfig', fixture('kubeconfig', file), ...args];

describe('auth against the emulator: github on stdout, JSON, JUnit and Markdown files, one diagnosis', () => {
  let run: ScenarioRun;
  let dir: string;
  let result: Awaited<ReturnType<typeof runEksdoctor>>;
  let summary: string;

  beforeAll(async () => {
    run = await startScenario('classic');
    dir = tempDir();
    summary = join(dir, 'step-summary.md');
    writeFileSync(summary, '# Earlier step\n');
    // An existing report file is replaced, not appended to.
    writeFileSync(join(dir, 'report.json'), '{"stale": true}\n'.repeat(1000));
    result = await runEksdoctor(
      ['auth', ...run.runArgs, '--output', 'github', '--output', `json=${join(dir, 'report.json')}`, '-o', `junit=${join(dir, 'report.xml')}`, `--output=markdown=${join(dir, 'report.md')}`],
      { ...run.env, GITHUB_STEP_SUMMARY: summary },
    );
  });
  afterAll(async () => run?.close());

  it('exits as the scenario expects and prints only workflow commands on stdout', () => {
    expect(result.code, result.stderr).toBe(run.scenario.expect!.exitCode);
    expect(result.stderr).toBe('');
    const lines = result.stdout.trimEnd().split('\n');
    for (const line of lines) expect(line).toMatch(WORKFLOW_COMMAND);
    expect(lines.some((l) => l.startsWith('::error') && l.includes('title=aws-auth/principal-not-mapped'))).toBe(true);
  });

  it('the JSON file is the report of the same run', () => {
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as { schemaVersion: number; rootCauses: string[]; verdict: string; startedAt: string };
    expect(report.schemaVersion).toBe(1);
    expect(report.rootCauses).toEqual(run.scenario.expect!.rootCauses);
    expect(report.verdict).toBe('fail');
    // The annotations' closing notice and the file come from one diagnosis, not two.
    expect(result.stdout).toContain(`title=eksdoctor ${report.verdict.toUpperCase()}`);
    expect(run.state.requests.filter((r) => r.service === 'eks' && r.operation === 'DescribeCluster')).toHaveLength(1);
  });

  it('the JUnit file is valid XML with the failing check', () => {
    const text = readFileSync(join(dir, 'report.xml'), 'utf8');
    expect(XMLValidator.validate(text)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(text) as { testsuite?: { name: string }; testsuites?: unknown };
    expect(JSON.stringify(doc)).toContain('aws-auth/principal-not-mapped');
  });

  it('the Markdown file is the report, and the step summary got it once, after what was there', () => {
    const md = readFileSync(join(dir, 'report.md'), 'utf8');
    expect(md).toMatch(/^## eksdoctor auth /);
    expect(md).toContain('aws-auth/principal-not-mapped');
    const s = readFileSync(summary, 'utf8');
    expect(s.startsWith('# Earlier step\n## eksdoctor auth ')).toBe(true);
    expect(s.match(/^## eksdoctor auth /gm)).toHaveLength(1);
  });

  it('files are regular files without colour', () => {
    for (const f of ['report.json', 'report.xml', 'report.md']) {
      expect(statSync(join(dir, f)).isFile()).toBe(true);
      expect(readFileSync(join(dir, f), 'utf8')).not.toMatch(/\u001b\[/);
    }
  });
});

describe('--output destinations', () => {
  it('with only files, stdout gets the text report', async () => {
    const dir = tempDir();
    const r = await runCli(offline('aws-cli-v1alpha1.yaml', '--output', `json=${join(dir, 'r.json')}`));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^FAIL {2}Root cause:/);
    expect(JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')).verdict).toBe('fail');
  });

  it('FORMAT=- is stdout', async () => {
    const r = await runCli(offline('aws-cli-v1beta1.yaml', '--output', 'json=-'));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).verdict).toBe('pass');
  });

  it.each([
    [['--output', 'text', '--output', 'json'], /only one format can go to stdout/],
    [['--output', 'json', '--output', 'github=-'], /only one format can go to stdout/],
    [['--output', 'json=same.json', '--output', 'junit=./same.json'], /already the file of another --output/],
    [['--output', 'yaml=r.yaml'], /argument 'yaml=r.yaml' is invalid/],
    [['--output', 'json='], /names no file/],
  ])('%j is a usage error (exit 2) before anything runs', async (args, message) => {
    const r = await runCli(offline('aws-cli-v1beta1.yaml', ...args), isolatedEnv());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('an unwritable file: a clear error on stderr, the stdout report and the other files kept, exit 2', async () => {
    const dir = tempDir();
    const r = await runCli(offline('aws-cli-v1beta1.yaml', '--output', 'json', '--output', `junit=${join(dir, 'missing-dir', 'r.xml')}`, '--output', `markdown=${join(dir, 'r.md')}`));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`eksdoctor: could not write the junit report to ${join(dir, 'missing-dir', 'r.xml')}: its directory does not exist (ENOENT)\n`);
    expect(JSON.parse(r.stdout).verdict).toBe('pass');
    expect(readFileSync(join(dir, 'r.md'), 'utf8')).toMatch(/^## eksdoctor auth /);
  });

  it('an unwritable file does not hide findings: exit 1 becomes 2 (fix the pipeline), the report is still printed', async () => {
    const dir = tempDir();
    const r = await runCli(offline('aws-cli-v1alpha1.yaml', '--output', 'github', '--output', `json=${dir}`));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/could not write the json report to .*: it is not a regular file \(a directory\)/);
    expect(r.stdout).toMatch(/^::error /m);
  });

  it('a FIFO or a device is refused at once, never written into (no reader needed to find out)', async () => {
    const dir = tempDir();
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const started = Date.now();
    const r = await runCli(offline('aws-cli-v1beta1.yaml', '--output', `json=${fifo}`, '--output', 'junit=/dev/null'));
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/could not write the json report to .*fifo: it is not a regular file \(a FIFO\)/);
    expect(r.stderr).toMatch(/could not write the junit report to \/dev\/null: it is not a regular file \(a device\)/);
    expect(r.stdout).toMatch(/^PASS/);
  });

  it('lint writes several formats too', async () => {
    const dir = tempDir();
    const r = await runCli(['lint', fixture('kubeconfig', 'aws-cli-v1alpha1.yaml'), '--output', 'github', '--output', `json=${join(dir, 'lint.json')}`, '--output', `junit=${join(dir, 'lint.xml')}`]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^::error .*kubeconfig\/exec-api-version-removed/m);
    expect(JSON.parse(readFileSync(join(dir, 'lint.json'), 'utf8')).findings.map((f: { rule: string }) => f.rule)).toContain('kubeconfig/exec-api-version-removed');
    expect(XMLValidator.validate(readFileSync(join(dir, 'lint.xml'), 'utf8'))).toBe(true);
  });

  it('demo writes several formats too', async () => {
    const dir = tempDir();
    const r = await runCli(['demo', '--output', 'json', '--output', `markdown=${join(dir, 'demo.md')}`], isolatedEnv());
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).rootCauses).toEqual(['aws-auth/principal-not-mapped']);
    expect(readFileSync(join(dir, 'demo.md'), 'utf8')).toContain('aws-auth/principal-not-mapped');
    // The demo's banner is for a person reading text on stdout only.
    expect(r.stderr).toBe('');
  }, 60_000);
});
