/**
 * Every scenario through the real CLI over real HTTP (SPEC §2 `eksdoctor demo`, STYLE "one end-to-end
 * scenario per rule"): the scenario sweep's run of the built `bin/eksdoctor auth` against the embedded
 * emulator with the scenario's own run arguments (test/helpers/sweep.ts), checked against the scenario's
 * own `expect` block; `demo <scenario>` itself gives the same answer; then the catalog is swept for rules
 * that no scenario's report contained.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { listScenarios, loadScenario } from '../../packages/eks-emulator/src/scenarios.js';
import type { Scenario } from '../../packages/eks-emulator/src/scenario.js';
import { XMLParser } from 'fast-xml-parser';
import { renderGithub } from '../../src/report/render/github.js';
import { renderJunit } from '../../src/report/render/junit.js';
import { renderMarkdown } from '../../src/report/render/markdown.js';
import { renderText } from '../../src/report/render/text.js';
import type { Report } from '../../src/report/model.js';
import { RULES } from '../../src/rules/index.js';
import { BIN } from '../helpers/cli.js';
import { recordedReport, scenarioSweep, SWEEP_WAIT_MS } from '../helpers/sweep.js';

const RUN_TIMEOUT_MS = 60_000;

/**
 * Rules proven by other end-to-end tests on fixtures rather than by a scenario: keep this short, and
 * say where each one is proven.
 */
const PROVEN_ELSEWHERE: Record<string, string> = {
  // test/e2e/cli-kubeconfig.test.ts (kubeconfig fixtures; the demo always writes a valid EKS kubeconfig
  // with a current context and the profiles it names).
  'kubeconfig/not-found': 'test/e2e/hostile-input.test.ts',
  'kubeconfig/invalid': 'test/e2e/cli-kubeconfig.test.ts',
  'kubeconfig/no-current-context': 'test/e2e/cli-kubeconfig.test.ts',
  'kubeconfig/context-not-found': 'test/e2e/cli-kubeconfig.test.ts',
  'kubeconfig/not-eks': 'test/e2e/cli-kubeconfig.test.ts',
  // Needs a server URL that names its region (*.eks.amazonaws.com); the emulator listens on 127.0.0.1.
  'kubeconfig/region-mismatch': 'test/e2e/cli-kubeconfig.test.ts',
  // Needs an `aws` binary on PATH reporting an old version; the demo's plugin is the builtin get-token.
  'kubeconfig/aws-cli-too-old': 'test/e2e/cli-kubeconfig.test.ts',
  // `lint` on files that are not kubeconfigs or aws-auth (a demo always has both).
  'lint/not-recognized': 'test/e2e/cli-lint-aws-auth.test.ts',
  // Needs a role profile with mfa_serial in the user's AWS config, which scenarios do not write.
  'identity/mfa-required': 'test/e2e/reliability.test.ts',
};

/**
 * Scenarios whose `expect` is right but a check gets wrong today: run as expected failures, so the
 * fix turns them green (and this entry must then be removed). Each names the bug.
 */
const KNOWN_CHECK_BUGS: Record<string, string> = {
  // None at present. (expired-static-token and exec-profile-missing were, until token.ts read the
  // expired token's fields and kubeconfig/profile-not-found explained the plugin's failure.)
};

interface ReportFinding {
  rule: string;
  severity: 'error' | 'warning' | 'info';
  fix?: { summary: string; commands: string[]; alternative?: { commands: string[] }; insert?: { lines: string[] } };
  docs: string[];
  rootCause: boolean;
  explains?: string[];
}

interface JsonReport {
  rootCauses: string[];
  identity: { principalArn: string } | null;
  findings: ReportFinding[];
}

interface ScenarioRun {
  code: number | null;
  stdout: string;
  stderr: string;
  report?: JsonReport;
  parseError?: string;
}

/** `demo <name> -o json` through the built CLI, with nothing of the developer's setup: PATH, a fresh HOME, no AWS_* and no KUBECONFIG. */
function runDemo(name: string): Promise<ScenarioRun> {
  const home = mkdtempSync(join(tmpdir(), `eksdoctor-e2e-${name}-`));
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, NO_COLOR: '1' };
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, 'demo', name, '-o', 'json', '--timeout', '30s'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const killer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(killer);
      rmSync(home, { recursive: true, force: true });
      try {
        done({ code, stdout, stderr, report: JSON.parse(stdout) as JsonReport });
      } catch (e) {
        done({ code, stdout, stderr, parseError: (e as Error).message });
      }
    });
  });
}

const scenarios: Scenario[] = listScenarios().map((s) => loadScenario(s.name));
const runs = new Map<string, ScenarioRun>();

beforeAll(async () => {
  const sweep = await scenarioSweep();
  for (const s of scenarios) {
    const r = sweep.get(s.name);
    if (!r) continue; // the first test names it
    const got = recordedReport(r);
    runs.set(s.name, { code: r.code, stdout: r.stdout, stderr: r.stderr, ...(got.report ? { report: got.report as unknown as JsonReport } : { parseError: got.error }) });
  }
}, SWEEP_WAIT_MS + 10_000);

/** Everything the scenario promises, as one value so a failure shows the whole difference at once. */
function verdict(s: Scenario, r: ScenarioRun) {
  const report = r.report;
  const findings = report?.findings ?? [];
  const present = new Set(findings.map((f) => f.rule));
  const explainedByCause = (rule: string) => findings.some((c) => c.rootCause && (c.explains ?? []).includes(rule) && (c.fix?.commands.length ?? 0) > 0);
  return {
    exitCode: r.code,
    rootCauses: report?.rootCauses,
    missingFindings: (s.expect.findings ?? []).filter((rule) => !present.has(rule)),
    // One fix per problem (issue 13): a symptom a present root cause explains points at it instead of carrying commands.
    withoutFix: findings.filter((f) => f.severity !== 'info' && !(f.fix && f.fix.commands.length > 0) && !explainedByCause(f.rule)).map((f) => f.rule),
    withoutDocs: findings.filter((f) => f.severity !== 'info' && !f.docs.some((d) => /^https:\/\//.test(d))).map((f) => f.rule),
    ...(s.expect.principalArn !== undefined && { principalArn: report?.identity?.principalArn }),
  };
}

function expected(s: Scenario) {
  return {
    exitCode: s.expect.exitCode,
    rootCauses: s.expect.rootCauses,
    missingFindings: [],
    withoutFix: [],
    withoutDocs: [],
    ...(s.expect.principalArn !== undefined && { principalArn: s.expect.principalArn }),
  };
}

describe('eksdoctor auth on every scenario: each ends as its expect block says', () => {
  it('there are scenarios, and every one was run', () => {
    expect(scenarios.length).toBeGreaterThan(0);
    expect([...runs.keys()].sort()).toEqual(scenarios.map((s) => s.name).sort());
  });

  for (const s of scenarios) {
    const knownBug = KNOWN_CHECK_BUGS[s.name];
    const title = `${s.name}: exit ${s.expect.exitCode}, root causes [${s.expect.rootCauses.join(', ')}]${knownBug ? ` (known check bug: ${knownBug})` : ''}`;
    (knownBug ? it.fails : it)(title, () => {
      const r = runs.get(s.name)!;
      expect(r.parseError, `stdout is one JSON document\nstdout: ${r.stdout.slice(0, 2000)}\nstderr: ${r.stderr.slice(0, 2000)}`).toBeUndefined();
      expect(verdict(s, r), `findings: ${r.report!.findings.map((f) => f.rule).join(', ')}\nstderr: ${r.stderr.slice(0, 2000)}`).toEqual(expected(s));
    });
  }

  it('every rule of the catalog fires in some scenario, or is proven elsewhere', () => {
    const seen = new Set([...runs.values()].flatMap((r) => r.report?.findings.map((f) => f.rule) ?? []));
    const catalog: string[] = RULES.map((r) => r.id);
    const uncovered = catalog.filter((id) => !seen.has(id) && !(id in PROVEN_ELSEWHERE));
    // A rule whose only scenario is blocked by a known check bug is reported with that bug.
    const blocked = uncovered.filter((id) => Object.keys(KNOWN_CHECK_BUGS).some((name) => scenarioExpects(name, id)));
    expect({ uncovered: uncovered.filter((id) => !blocked.includes(id)), stalePROVEN_ELSEWHERE: Object.keys(PROVEN_ELSEWHERE).filter((id) => !catalog.includes(id)) }).toEqual({
      uncovered: [],
      stalePROVEN_ELSEWHERE: [],
    });
  });
});

/**
 * The sweep runs `auth` with the scenario's run arguments against an emulator in the test process; `demo`
 * starts its own and passes the same arguments. Both give the same diagnosis: a scenario without run
 * arguments (classic) and one run with --profile (cross-account-role).
 */
describe('eksdoctor demo <scenario> -o json gives the diagnosis the sweep recorded', () => {
  it.concurrent.each(['classic', 'cross-account-role'])('%s', async (name) => {
    expect(loadScenario('cross-account-role').run?.profile, 'cross-account-role still has run arguments').toBeDefined();
    const demo = await runDemo(name);
    expect(demo.parseError, `stdout: ${demo.stdout.slice(0, 2000)}\nstderr: ${demo.stderr.slice(0, 2000)}`).toBeUndefined();
    const swept = runs.get(name)!;
    const shape = (r: ScenarioRun) => ({ exitCode: r.code, rootCauses: r.report?.rootCauses, rules: r.report?.findings.map((f) => f.rule).sort(), principalArn: r.report?.identity?.principalArn });
    expect(shape(demo)).toEqual(shape(swept));
    expect(shape(demo).rootCauses).toEqual(loadScenario(name).expect.rootCauses);
  }, 90_000);
});

function scenarioExpects(name: string, rule: string): boolean {
  const s = scenarios.find((x) => x.name === name);
  return s !== undefined && [...s.expect.rootCauses, ...(s.expect.findings ?? [])].includes(rule);
}

/**
 * Issue "Outputs for CI and runbooks": every format for every scenario. The renderers are pure functions
 * of the report, so each scenario's real report (above) is rendered in-process and checked structurally.
 */
describe('every output format for every scenario', () => {
  const reports = () => [...runs.entries()].filter(([, r]) => r.report).map(([name, r]) => [name, r.report as unknown as Report] as const);
  const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' });
  const asList = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

  it('text: the verdict first, every root cause flagged', () => {
    for (const [name, report] of reports()) {
      const text = renderText(report, { color: false, width: 10_000 });
      expect(text.split('\n')[0], name).toMatch(/^(PASS|WARN|INCOMPLETE|FAIL) {2}/);
      for (const f of report.findings.filter((x) => x.rootCause)) expect(text, name).toContain(`${f.title} ROOT CAUSE`);
      // The answer again at the end, where the eye is when the run ends.
      expect(text.trimEnd().split('\n').pop(), name).toMatch(new RegExp(`^${{ pass: 'PASS', warn: 'WARN', incomplete: 'INCOMPLETE', fail: 'FAIL' }[report.verdict]} `));
      // In an 80-column terminal only fix commands (and the lines they paste) and words longer than a line (ARNs) exceed the screen.
      const commands = new Set(report.findings.flatMap((f) => [...(f.fix?.commands ?? []), ...(f.fix?.alternative?.commands ?? []), ...(f.fix?.insert?.lines ?? [])].map((x) => x.trim())));
      for (const line of renderText(report, { color: false, width: 80 }).split('\n')) {
        if (line.length > 80 && !commands.has(line.trim()) && /\S\s+\S/.test(line.trim().replace(/^[✖!i] /, '')) && !/^\s+(Docs|identity): /.test(line) && !/^ {3}\S+ · /.test(line) && !/^ {2}. \S.* \d+ ms/.test(line)) expect(line, name).toBe('(no longer than 80 columns)');
      }
    }
  });

  it('junit: one well-formed suite, a testcase per check, a failure per check with an error finding', () => {
    for (const [name, report] of reports()) {
      const doc = xml.parse(renderJunit(report, { command: 'auth' }));
      const suite = asList(doc.testsuites.testsuite)[0];
      const cases = asList(suite.testcase as { failure?: unknown }[]);
      expect(cases.length, name).toBe(report.checks.length);
      const failing = new Set(report.findings.filter((f) => f.severity === 'error').map((f) => f.check));
      expect(cases.filter((c) => c.failure).length, name).toBe(failing.size);
    }
  });

  it('github: only workflow commands, an ::error per error finding', () => {
    for (const [name, report] of reports()) {
      const lines = renderGithub(report).trimEnd().split('\n').filter((l) => l.startsWith('::'));
      expect(lines.length, name).toBeGreaterThan(0);
      for (const l of lines) expect(l, name).toMatch(/^::(error|warning|notice)( [a-z]+=[^,:]*(,[a-z]+=[^,:]*)*)?::/);
      expect(lines.filter((l) => l.startsWith('::error')).length, name).toBe(report.findings.filter((f) => f.severity === 'error').length);
    }
  });

  it('markdown: a heading with the verdict, and every error or warning rule named', () => {
    for (const [name, report] of reports()) {
      const md = renderMarkdown(report, { command: 'auth' });
      expect(md, name).toMatch(/^## eksdoctor auth/);
      for (const f of report.findings.filter((x) => x.severity !== 'info')) expect(md, name).toContain(f.rule);
    }
  });
});
