/**
 * SPEC §7 "Secrets never leave the process": every scenario × every output format (and the GitHub
 * step summary) with --verbose — each scenario run once through the built CLI against the emulator (the
 * scenario sweep, test/helpers/sweep.ts) and its report rendered in the other formats in-process as the
 * CLI renders them; two scenarios and `demo` through the CLI in every format — searched for every
 * secret the run could have seen — each principal's secret key and session token, the secrets STS
 * issued through AssumeRole, the exact bearer tokens the exec plugin handed over (captured by a
 * wrapper), and any unredacted `k8s-aws-v1.` token, presigned signature, security token or PEM key.
 * Then hostile exec plugins and kubeconfigs that put secrets where a careless report would echo them.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IssuedIdentity } from '../../packages/eks-emulator/src/state.js';
import type { Report } from '../../src/report/model.js';
import { mapLimit, runEksdoctor, startScenario, STACK_FRAME } from '../helpers/emulator.js';
import { grantAssumeRole, recordedReport, renderRecorded, scenarioSweep, sweepEntries, SWEEP_WAIT_MS, type ScenarioRecording } from '../helpers/sweep.js';

const FORMATS = ['text', 'json', 'markdown', 'junit', 'github'] as const;
const CONCURRENCY = 4;

/** Shapes of a secret whatever its value: redacted forms (`k8s-aws-v1.…`, `X-Amz-Signature=…`) do not match. */
const SECRET_SHAPES: [string, RegExp][] = [
  ['k8s-aws-v1 token body', /k8s-aws-v1\.[A-Za-z0-9_-]{16,}/],
  ['X-Amz-Signature value', /X-Amz-Signature(?:=|%3D)[0-9a-f]{16,}/i],
  ['X-Amz-Security-Token value', /X-Amz-Security-Token(?:=|%3D)[A-Za-z0-9%/+=_-]{16,}/i],
  ['PEM private key body', /-----BEGIN [A-Z ]*PRIVATE KEY-----\s*[A-Za-z0-9+/=]{16,}/],
  ['Bearer credential', /Bearer\s+[A-Za-z0-9._~+/=-]{16,}/],
];

interface Leak {
  run: string;
  secret: string;
  where: string;
}

/** Literal secrets found in `text`, and secret shapes; names only (never the value) in the result. */
function findLeaks(run: string, where: string, text: string, literals: Map<string, string>): Leak[] {
  const leaks: Leak[] = [];
  for (const [value, name] of literals) if (value.length >= 8 && text.includes(value)) leaks.push({ run, secret: name, where });
  for (const [name, re] of SECRET_SHAPES) {
    const m = re.exec(text);
    if (m) leaks.push({ run, secret: `${name} (${m[0].slice(0, 24)}…)`, where });
  }
  return leaks;
}

/** The pieces of a captured `k8s-aws-v1.` token that must not appear on their own either. */
function tokenSecrets(token: string, label: string): [string, string][] {
  const out: [string, string][] = [[token, `${label}`]];
  const body = token.replace(/^k8s-aws-v1\./, '');
  out.push([body, `${label} body`]);
  try {
    const url = new URL(Buffer.from(body, 'base64url').toString('utf8'));
    const sig = url.searchParams.get('X-Amz-Signature');
    if (sig) out.push([sig, `${label} X-Amz-Signature`]);
    const st = url.searchParams.get('X-Amz-Security-Token');
    if (st) out.push([st, `${label} X-Amz-Security-Token`], [encodeURIComponent(st), `${label} X-Amz-Security-Token (URL-encoded)`]);
  } catch {
    // not a URL: the token and its body are already searched for
  }
  return out;
}

const figures = { runs: 0, renders: 0, bytes: 0, secrets: new Set<string>(), leaks: [] as Leak[], scenarios: 0, ms: 0 };

afterAll(() => {
  console.log(
    `secrets: ${figures.scenarios} scenarios (one recorded run each, rendered in all ${FORMATS.length} formats + step summary, --verbose) + 2 scenarios through the CLI in every format + demo classic + 7 hostile contexts × ${FORMATS.length} formats + lint: ` +
      `${figures.runs} CLI runs and ${figures.renders} in-process renders, ${figures.bytes} bytes scanned, ${figures.secrets.size} distinct secret values + ${SECRET_SHAPES.length} secret shapes searched, ` +
      `${figures.leaks.length} leaks, ${(figures.ms / 1000).toFixed(1)} s`,
  );
  for (const l of figures.leaks) console.log(`  LEAK ${l.run} [${l.where}]: ${l.secret}`);
});

/** The scenarios, plus one where AssumeRole succeeds so STS really issues session secrets (as the sweep runs them). */
const SCENARIOS = sweepEntries();

/** Every literal secret a run could have seen: the scenario's principals, what STS issued, what the exec plugin printed. */
function runSecrets(principals: { name: string; secretAccessKey: string; sessionToken?: string }[], issued: IssuedIdentity[], capturedTokens: string[]): Map<string, string> {
  const literals = new Map<string, string>();
  for (const p of principals) {
    literals.set(p.secretAccessKey, `${p.name} secretAccessKey`);
    if (p.sessionToken) literals.set(p.sessionToken, `${p.name} sessionToken`);
  }
  for (const s of issued) {
    literals.set(s.secretAccessKey, `AssumeRole ${s.arn} secretAccessKey`);
    if (s.sessionToken) literals.set(s.sessionToken, `AssumeRole ${s.arn} sessionToken`);
  }
  [...new Set(capturedTokens)].forEach((t, k) => tokenSecrets(t, `exec token #${k + 1}`).forEach(([v, n]) => literals.set(v, n)));
  return literals;
}

/** A CLI run that crashed: exit 3, killed, or a stack trace. */
const crashed = (r: { code: number | null; stderr: string }) => r.code === 3 || r.code === null || STACK_FRAME.test(r.stderr);

describe('no secret in any output format of any scenario (SPEC §7)', () => {
  let sweep: Map<string, ScenarioRecording>;
  beforeAll(async () => {
    sweep = await scenarioSweep();
  }, SWEEP_WAIT_MS + 10_000);

  // The sweep ran each scenario once through the CLI (-o json --verbose); the other formats are pure functions
  // of that report, rendered here exactly as src/cli/output.ts renders them (inert text, the step summary).
  it(`${SCENARIOS.length} scenarios × ${FORMATS.length} formats with --verbose and the step summary: zero hits`, async () => {
    const started = performance.now();
    const leaks: Leak[] = [];
    const crashes: string[] = [];
    let issuedTotal = 0;
    let tokensTotal = 0;
    for (const sc of SCENARIOS) {
      const r = sweep.get(sc.label);
      if (!r) {
        crashes.push(`${sc.label}: not recorded by the sweep`);
        continue;
      }
      const got = recordedReport(r);
      if (got.error !== undefined) crashes.push(got.error);
      else if (crashed(r)) crashes.push(`${sc.label}: exit ${r.code}${r.signal ? ` (${r.signal})` : ''}: ${r.stderr.slice(0, 300)}`);
      // Secrets are collected after the run: AssumeRole sessions and tokens only exist once issued.
      const literals = runSecrets(r.scenario.principals, r.issued, r.tokens);
      issuedTotal += r.issued.length;
      tokensTotal += new Set(r.tokens).size;
      for (const v of literals.keys()) figures.secrets.add(v);
      const outputs: { label: string; where: string; text: string }[] = [
        { label: `${sc.label} -o json --verbose`, where: 'stdout', text: r.stdout },
        { label: `${sc.label} -o json --verbose`, where: 'stderr', text: r.stderr },
      ];
      figures.runs += 1;
      if (got.report) {
        for (const format of FORMATS.filter((f) => f !== 'json')) {
          const out = await renderRecorded(got.report, format);
          outputs.push({ label: `${sc.label} -o ${format}`, where: 'stdout', text: out.stdout });
          if (format === 'github') outputs.push({ label: `${sc.label} -o ${format}`, where: 'step summary', text: out.stepSummary ?? '' });
          figures.renders += 1;
        }
        expect(outputs.filter((o) => o.where === 'step summary' && o.text.startsWith('## eksdoctor auth')), `${sc.label}: the github format's step summary`).toHaveLength(1);
      }
      for (const o of outputs) {
        figures.bytes += Buffer.byteLength(o.text);
        leaks.push(...findLeaks(o.label, o.where, o.text, literals));
      }
    }
    console.log(`secrets: ${issuedTotal} AssumeRole sessions issued, ${tokensTotal} exec-plugin tokens captured`);
    // The capture is what makes the token search meaningful: most scenarios do produce a token.
    expect(tokensTotal).toBeGreaterThan(SCENARIOS.length / 2);
    expect(issuedTotal).toBeGreaterThan(0);
    figures.scenarios = SCENARIOS.length;
    figures.leaks.push(...leaks);
    figures.ms += performance.now() - started;
    expect(crashes).toEqual([]);
    expect(leaks).toEqual([]);
  }, 60_000);

  // The CLI's own format path end to end (its renderers, inert text, the step summary it appends), on classic
  // and on the scenario where AssumeRole is granted (so issued session secrets are searched too); and `demo`,
  // whose in-process emulator holds the same principals.
  it(`classic and assume-role-granted through the CLI in all ${FORMATS.length} formats with --verbose and the step summary, and demo classic --verbose: zero hits`, async () => {
    const started = performance.now();
    const leaks: Leak[] = [];
    const crashes: string[] = [];
    const chosen = SCENARIOS.filter((sc) => sc.label === 'classic' || sc.grant);
    expect(chosen).toHaveLength(2);
    const runs = await Promise.all(chosen.map(async (sc) => ({ sc, run: await startScenario(sc.name, { captureTokens: true, edit: sc.grant ? grantAssumeRole : undefined }) })));
    try {
      const jobs = runs.flatMap(({ sc, run }) => [
        ...FORMATS.map((format) => ({ run, label: `${sc.label} -o ${format}`, args: ['auth', ...run.runArgs, '--output', format, '--verbose'] })),
        ...(sc.label === 'classic' ? [{ run, label: `demo ${sc.label}`, args: ['demo', sc.name, '--verbose'] }] : []),
      ]);
      const outputs = await mapLimit(jobs, CONCURRENCY, async (job, j) => {
        const summary = join(job.run.home, `step-summary-${j}.md`);
        writeFileSync(summary, '');
        const r = await runEksdoctor(job.args, { ...job.run.env, GITHUB_STEP_SUMMARY: summary });
        if (crashed(r)) crashes.push(`${job.label}: exit ${r.code}: ${r.stderr.slice(0, 300)}`);
        figures.runs += 1;
        return { job, r, summary: readFileSync(summary, 'utf8') };
      });
      // The github runs appended their step summary (the demo prints text); no other format touched the file.
      expect(outputs.filter((o) => o.summary !== '').map((o) => o.job.label).sort()).toEqual(chosen.map((sc) => `${sc.label} -o github`).sort());
      for (const { run } of runs) {
        const literals = runSecrets(run.scenario.principals, run.issued, run.capturedTokens());
        for (const v of literals.keys()) figures.secrets.add(v);
        for (const { job, r, summary } of outputs.filter((o) => o.job.run === run)) {
          for (const [where, text] of [['stdout', r.stdout], ['stderr', r.stderr], ['step summary', summary]] as const) {
            figures.bytes += Buffer.byteLength(text);
            leaks.push(...findLeaks(job.label, where, text, literals));
          }
        }
      }
      expect(runs.find(({ sc }) => sc.grant)!.run.issued.length, 'AssumeRole issued session secrets to search for').toBeGreaterThan(0);
      expect(runs.map(({ sc, run }) => [sc.label, run.capturedTokens().length > 0]), 'each produced exec-plugin tokens').toEqual(chosen.map((sc) => [sc.label, true]));
    } finally {
      await Promise.all(runs.map(({ run }) => run.close()));
    }
    figures.leaks.push(...leaks);
    figures.ms += performance.now() - started;
    expect(crashes).toEqual([]);
    expect(leaks).toEqual([]);
  }, 120_000);
});

/** A fresh PEM key, a static token and AWS secrets placed where a report might quote them. */
function hostileMaterial() {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const secretKey = randomBytes(30).toString('base64').slice(0, 40);
  const sessionToken = 'IQoJb3JpZ2luX2Vj' + randomBytes(60).toString('base64');
  const staticToken = 'k8s-aws-v1.' + Buffer.from(`https://sts.us-west-2.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Signature=${randomBytes(32).toString('hex')}`).toString('base64url');
  const signature = randomBytes(32).toString('hex');
  return { pem, secretKey, sessionToken, staticToken, signature };
}

describe('hostile exec plugins and kubeconfigs: secrets in the places a report quotes (SPEC §7)', () => {
  it('7 hostile contexts × 5 formats (auth --verbose against the emulator) and lint: zero hits', async () => {
    const started = performance.now();
    const run = await startScenario('healthy-api');
    const m = hostileMaterial();
    const dir = mkdtempSync(join(run.home, 'hostile-'));
    /** A plugin named `aws` (so the context is recognised as EKS) that prints `stdout`/`stderr` and exits `code`. */
    const plugin = (name: string, stdout: string, stderr: string, code: number) => {
      mkdirSync(join(dir, name));
      const p = join(dir, name, 'aws');
      writeFileSync(`${p}.out`, stdout);
      writeFileSync(`${p}.err`, stderr);
      writeFileSync(
        p,
        `#!/bin/sh\nif [ "$1" = "--version" ]; then echo "aws-cli/2.15.30 Python/3.11.8 Linux/6.1.0 exe/x86_64.debian.12"; exit 0; fi\n` +
          `cat "${p}.out"\ncat "${p}.err" >&2\nexit ${code}\n`,
      );
      chmodSync(p, 0o755);
      return p;
    };
    const leakyStderr =
      `Traceback: credentials aws_secret_access_key=${m.secretKey} aws_session_token=${m.sessionToken}\n` +
      `GET https://sts.amazonaws.com/?Action=GetCallerIdentity&X-Amz-Security-Token=${encodeURIComponent(m.sessionToken)}&X-Amz-Signature=${m.signature}\n` +
      `Authorization: Bearer ${m.staticToken}\n${m.pem}`;
    const credential = (apiVersion: string) =>
      JSON.stringify({ kind: 'ExecCredential', apiVersion, spec: {}, status: { expirationTimestamp: '2099-01-01T00:00:00Z', token: m.staticToken } });
    const plugins: Record<string, string> = {
      'exits-1-with-secrets-on-stderr': plugin('fails', '', leakyStderr, 1),
      'exits-0-with-secrets-on-stderr': plugin('warns', credential('client.authentication.k8s.io/v1beta1'), leakyStderr, 0),
      'truncated-json-with-token': plugin('truncated', credential('client.authentication.k8s.io/v1beta1').slice(0, -20), '', 0),
      'wrong-api-version-with-token': plugin('mismatch', credential('client.authentication.k8s.io/v1'), '', 0),
      'token-not-json': plugin('raw', `${m.staticToken}\n`, leakyStderr, 0),
    };
    // The scenario's own kubeconfig (an EKS cluster ARN, the emulator's server and CA), with hostile users.
    const base = yaml.load(readFileSync(run.kubeconfigPath, 'utf8')) as {
      clusters: { name: string }[];
      users: { name: string; user: { exec: Record<string, unknown> } }[];
      contexts: { name: string; context: { cluster: string; user: string } }[];
      'current-context': string;
    };
    const cluster = base.clusters[0]!.name;
    const exec = base.users[0]!.user.exec;
    const users: { name: string; user: Record<string, unknown> }[] = [
      ...Object.entries(plugins).map(([name, command]) => ({ name, user: { exec: { ...exec, command } } })),
      {
        name: 'static-token-and-client-key',
        user: {
          token: m.staticToken,
          'client-certificate-data': Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n').toString('base64'),
          'client-key-data': Buffer.from(m.pem).toString('base64'),
        },
      },
      {
        name: 'exec-env-secrets',
        user: {
          exec: {
            ...exec,
            command: plugins['exits-1-with-secrets-on-stderr'],
            env: [
              { name: 'AWS_ACCESS_KEY_ID', value: 'AKIAEXAMPLEHOSTILE01' },
              { name: 'AWS_SECRET_ACCESS_KEY', value: m.secretKey },
              { name: 'AWS_SESSION_TOKEN', value: m.sessionToken },
            ],
          },
        },
      },
    ];
    const kubeconfig = {
      ...base,
      users,
      contexts: users.map((u) => ({ name: u.name, context: { cluster, user: u.name } })),
      'current-context': users[0]!.name,
    };
    const path = join(dir, 'kubeconfig.yaml');
    writeFileSync(path, yaml.dump(kubeconfig, { lineWidth: -1 }));
    const literals = new Map<string, string>([
      [m.secretKey, 'secret access key'],
      [m.sessionToken, 'session token'],
      [encodeURIComponent(m.sessionToken), 'session token (URL-encoded)'],
      [m.staticToken, 'static token'],
      [m.staticToken.slice('k8s-aws-v1.'.length), 'static token body'],
      [m.signature, 'presigned signature'],
      [Buffer.from(m.pem).toString('base64').slice(0, 64), 'client-key-data (base64)'],
      [m.pem.split('\n')[1]!, 'PEM key body'],
    ]);
    // The detector itself must see every planted secret in the raw material.
    const planted = findLeaks('self-test', 'raw', leakyStderr + Buffer.from(m.pem).toString('base64'), literals).map((l) => l.secret);
    expect(planted).toEqual(expect.arrayContaining([...literals.values(), ...SECRET_SHAPES.map(([n]) => expect.stringContaining(n))]));

    // Each context once through the CLI as JSON (its report rendered below in the other formats, as the CLI
    // renders them); the one whose plugin prints the most secrets through the CLI in every format too.
    const throughCli = 'exits-1-with-secrets-on-stderr';
    const jobs = [
      ...users.flatMap((u) =>
        FORMATS.filter((format) => format === 'json' || u.name === throughCli).map((format) => ({
          label: `${u.name} -o ${format}`,
          args: ['auth', '--kubeconfig', path, '--context', u.name, '--output', format, '--verbose', '--timeout', '10s'],
        })),
      ),
      ...FORMATS.map((format) => ({ label: `lint -o ${format}`, args: ['lint', path, '--output', format] })),
    ];
    const leaks: Leak[] = [];
    const crashes: string[] = [];
    const rules = new Set<string>();
    try {
      await mapLimit(jobs, CONCURRENCY, async (job, i) => {
        const summary = join(dir, `summary-${i}.md`);
        writeFileSync(summary, '');
        const r = await runEksdoctor(job.args, { ...run.env, GITHUB_STEP_SUMMARY: summary }, 60_000);
        if (r.code === 3 || r.code === null || STACK_FRAME.test(r.stdout + r.stderr)) crashes.push(`${job.label}: exit ${r.code}`);
        const outputs: [string, string, string][] = [[job.label, 'stdout', r.stdout], [job.label, 'stderr', r.stderr], [job.label, 'step summary', readFileSync(summary, 'utf8')]];
        if (job.label.endsWith('-o json') && job.args[0] === 'auth') {
          let report: Report | undefined;
          try {
            report = JSON.parse(r.stdout) as Report;
          } catch {
            crashes.push(`${job.label}: stdout is not one JSON document (exit ${r.code}, ${(r.ms / 1000).toFixed(1)} s): ${r.stdout.slice(0, 80)}`);
          }
          for (const f of report?.findings ?? []) rules.add(f.rule);
          for (const format of report ? FORMATS.filter((f) => f !== 'json') : []) {
            const out = await renderRecorded(report!, format);
            const label = job.label.replace(/-o json$/, `-o ${format}`);
            outputs.push([label, 'stdout', out.stdout], ...(out.stepSummary !== undefined ? [[label, 'step summary', out.stepSummary] as [string, string, string]] : []));
            figures.renders += 1;
          }
        }
        for (const [label, where, text] of outputs) {
          figures.bytes += Buffer.byteLength(text);
          leaks.push(...findLeaks(label, where, text, literals));
        }
        figures.runs += 1;
        if (r.ms > 5000) console.log(`secrets: slow run ${job.label}: ${(r.ms / 1000).toFixed(1)} s`);
      });
    } finally {
      await run.close();
    }
    for (const v of literals.keys()) figures.secrets.add(v);
    figures.leaks.push(...leaks);
    figures.ms += performance.now() - started;
    console.log(`secrets: hostile contexts produced ${[...rules].sort().join(', ')}`);
    // The plugins really ran and failed the way they were built to (else this test proves nothing).
    expect([...rules]).toEqual(expect.arrayContaining(['identity/token-generation-failed', 'kubeconfig/static-token']));
    expect(crashes).toEqual([]);
    expect(leaks).toEqual([]);
  }, 120_000);
});
