import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixture, isolatedEnv, ROOT, runCli } from '../helpers/cli.js';

/** A PATH holding an `aws` that reports a current version, so the version checks are deterministic. */
function pathWithAws(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fake-aws-'));
  writeFileSync(join(dir, 'aws'), '#!/bin/sh\necho "aws-cli/2.15.30 Python/3.11.8 Linux/6.1.0 exe/x86_64.debian.12"\n');
  chmodSync(join(dir, 'aws'), 0o755);
  return `${dir}:/usr/bin:/bin`;
}

const FIXTURES = [
  { file: 'aws-cli-v1beta1.yaml', verdict: 'pass', code: 0, strictCode: 0 },
  { file: 'static-token.yaml', verdict: 'warn', code: 0, strictCode: 1 },
  { file: 'aws-cli-v1alpha1.yaml', verdict: 'fail', code: 1, strictCode: 1 },
] as const;
const FORMATS = ['text', 'json', 'markdown', 'junit', 'github'] as const;

interface JsonReport {
  verdict: string;
  summary: string;
  checks: { id: string; status: string }[];
  findings: { rule: string; severity: string; check: string; title: string; evidence: Record<string, unknown> }[];
}

let PATH = '';
const env = (extra: Record<string, string> = {}) => isolatedEnv({ PATH, ...extra });
const auth = (file: string, format: string, extra: string[] = [], e = env()) =>
  runCli(['auth', '--offline', '--kubeconfig', fixture('kubeconfig', file), '--output', format, ...extra], e);

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase'].includes(name) });

// docs.github.com "Workflow commands": ::name key=value,key=value::message; values escape % CR LF : , and messages % CR LF.
const WORKFLOW_COMMAND = /^::(error|warning|notice)(?: ((?:file|line|endLine|col|endColumn|title)=[^:,\r\n]*(?:,(?:file|line|endLine|col|endColumn|title)=[^:,\r\n]*)*))?::([^\r\n]*)$/;
const unescape = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');

const reports = new Map<string, JsonReport>();

beforeAll(async () => {
  PATH = pathWithAws();
  for (const f of FIXTURES) reports.set(f.file, JSON.parse((await auth(f.file, 'json')).stdout));
});

describe.each(FIXTURES)('auth --offline $file ($verdict)', (f) => {
  it.each(FORMATS)('--output %s: exit codes with and without --fail-on warning, nothing but the report on stdout', async (format) => {
    const plain = await auth(f.file, format);
    const strict = await auth(f.file, format, ['--fail-on', 'warning']);
    expect(plain.code).toBe(f.code);
    expect(strict.code).toBe(f.strictCode);
    for (const r of [plain, strict]) {
      expect(r.stderr).toBe('');
      expect(r.stdout.endsWith('\n')).toBe(true);
      expect(r.stdout).not.toMatch(/\u001b\[/);
    }
    const out = plain.stdout;
    const report = reports.get(f.file)!;
    expect(report.verdict).toBe(f.verdict);
    switch (format) {
      case 'json':
        expect(JSON.parse(out).verdict).toBe(f.verdict);
        break;
      case 'text':
        expect(out.split('\n')[0]).toMatch(new RegExp(`^${f.verdict.toUpperCase()} `));
        break;
      case 'markdown':
        expect(out.split('\n')[0]).toMatch(new RegExp(`^## eksdoctor auth \`[^\`]+\`: .* ${f.verdict.toUpperCase()}$`));
        expect(out).toContain('| Check | Status | Duration | Reason |');
        for (const finding of report.findings.filter((x) => x.severity !== 'info')) expect(out).toContain(`rule \`${finding.rule}\``);
        break;
      case 'junit':
        expect(XMLValidator.validate(out)).toBe(true);
        break;
      case 'github':
        for (const line of out.trimEnd().split('\n')) expect(line).toMatch(WORKFLOW_COMMAND);
        break;
    }
  });

  it('--output junit parses back with counts that match the report', async () => {
    const report = reports.get(f.file)!;
    for (const failOn of ['error', 'warning'] as const) {
      const doc = xml.parse((await auth(f.file, 'junit', ['--fail-on', failOn])).stdout);
      const suite = doc.testsuites.testsuite[0];
      const failing = new Set(report.findings.filter((x) => x.severity === 'error' || (failOn === 'warning' && x.severity === 'warning')).map((x) => x.check));
      expect(suite.name).toMatch(/^eksdoctor auth /);
      expect(Number(suite.tests)).toBe(report.checks.length);
      expect(Number(suite.failures)).toBe(failing.size);
      expect(Number(suite.skipped)).toBe(report.checks.filter((c) => c.status === 'skip').length);
      expect(Number(suite.errors)).toBe(report.checks.filter((c) => c.status === 'error').length);
      expect(suite.testcase.map((t: { classname: string }) => t.classname)).toEqual(report.checks.map((c) => `eksdoctor.${c.id}`));
      for (const finding of report.findings.filter((x) => failing.has(x.check) && x.severity === 'error')) {
        const tc = suite.testcase.find((t: { classname: string }) => t.classname === `eksdoctor.${finding.check}`);
        expect(tc.failure.type).toBe(finding.rule);
        expect(tc.failure.message).toBe(finding.title);
      }
    }
  });

  it('--output github: one annotation per error and warning with file and line, correctly escaped, then the verdict', async () => {
    const report = reports.get(f.file)!;
    const lines = (await auth(f.file, 'github', [], env({ GITHUB_WORKSPACE: ROOT }))).stdout.trimEnd().split('\n');
    const problems = report.findings.filter((x) => x.severity !== 'info');
    expect(lines).toHaveLength(problems.length + 1);
    problems.forEach((finding, i) => {
      const [, kind, props, message] = WORKFLOW_COMMAND.exec(lines[i]!)!;
      expect(kind).toBe(finding.severity);
      const properties = Object.fromEntries(props!.split(',').map((p) => p.split('=')).map(([k, v]) => [k, unescape(v!)]));
      expect(properties.title).toBe(finding.rule);
      expect(properties.file).toBe(`fixtures/kubeconfig/${f.file}`); // relative to $GITHUB_WORKSPACE
      if (typeof finding.evidence.line === 'number') expect(properties.line).toBe(String(finding.evidence.line));
      expect(unescape(message!)).toContain(finding.title);
      expect(message).not.toMatch(/%(?!25|0D|0A)/);
    });
    const last = WORKFLOW_COMMAND.exec(lines.at(-1)!)!;
    expect(last[1]).toBe('notice');
    expect(unescape(last[2]!)).toBe(`title=eksdoctor ${f.verdict.toUpperCase()}`);
    expect(unescape(last[3]!)).toContain(report.summary);
  });

  it('--output github appends the Markdown report to $GITHUB_STEP_SUMMARY, keeping what other steps wrote', async () => {
    const summary = join(mkdtempSync(join(tmpdir(), 'step-summary-')), 'summary.md');
    writeFileSync(summary, '# Earlier step\n\n');
    const e = env({ GITHUB_STEP_SUMMARY: summary });
    const first = await auth(f.file, 'github', [], e);
    await auth(f.file, 'github', [], e);
    const content = readFileSync(summary, 'utf8');
    expect(content.startsWith('# Earlier step\n\n## eksdoctor auth ')).toBe(true);
    expect(content.match(/^## eksdoctor auth /gm)).toHaveLength(2);
    expect(content).toContain(f.verdict.toUpperCase());
    expect(first.stdout).not.toContain('## eksdoctor'); // stdout stays workflow commands only
  });
});

describe('outputs in CI', () => {
  it('without $GITHUB_STEP_SUMMARY, --output github writes no file and says nothing on stderr', async () => {
    const r = await auth('aws-cli-v1alpha1.yaml', 'github');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
  });

  it('an unwritable $GITHUB_STEP_SUMMARY is reported on stderr and does not change the exit code or stdout', async () => {
    const r = await auth('aws-cli-v1beta1.yaml', 'github', [], env({ GITHUB_STEP_SUMMARY: join(tmpdir(), 'no-such-dir-eksdoctor', 'summary.md') }));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^::notice title=eksdoctor PASS::/);
    expect(r.stderr).toMatch(/could not append the report to \$GITHUB_STEP_SUMMARY/);
  });

  it('a static token never appears in any format', async () => {
    const token = /aHR0cHM6Ly9zdHM/;
    const summary = join(mkdtempSync(join(tmpdir(), 'step-summary-')), 'summary.md');
    for (const format of FORMATS) {
      const r = await auth('static-token.yaml', format, [], env({ GITHUB_STEP_SUMMARY: summary }));
      expect(r.stdout).not.toMatch(token);
    }
    expect(readFileSync(summary, 'utf8')).not.toMatch(token);
  });

  it('lint --output junit and markdown name the lint command', async () => {
    const file = fixture('kubeconfig', 'aws-cli-v1alpha1.yaml');
    const junit = await runCli(['lint', file, '-o', 'junit'], env());
    expect(junit.code).toBe(1);
    const suite = xml.parse(junit.stdout).testsuites.testsuite[0];
    expect(suite).toMatchObject({ name: 'eksdoctor lint', tests: '1', failures: '1' });
    const md = await runCli(['lint', file, '-o', 'markdown'], env());
    expect(md.stdout.split('\n')[0]).toBe('## eksdoctor lint: ❌ FAIL');
  });

  it('an unknown format is a usage error listing the formats', async () => {
    const r = await runCli(['auth', '--output', 'yaml'], env());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/text, json, markdown, junit, github/);
  });
});
