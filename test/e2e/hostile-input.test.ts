/**
 * Hostile input through the real CLI (SPEC §7: "Malformed, empty, huge or hostile input … gives a clear
 * finding or a clear error and exit code, never a stack trace"). Every run is measured: exit code 1
 * (a finding) or 2 (usage error), no `    at ` line on stderr, one parseable JSON document on stdout,
 * and bounded time (the report's own durationMs, and an end once the report is out) and peak RSS. Big and binary inputs are generated here into temp dirs, never committed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, chmodSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAwsAuthManifest } from '../../src/facts/aws-auth.js';
import { BIN, fixture, isolatedEnv } from '../helpers/cli.js';
import { cpuTimeMs } from '../helpers/timing.js';
import { PROCESS_MARGIN_MS } from '../helpers/faults.js';

const MAX_RSS_MB = 300;
/** Bound on a run's own durationMs (reading and parsing the input happen in its checks). */
const MAX_MS = 20_000;
/** A hang net only: a run still going after this is killed (and fails its exit code); time is bounded by MAX_MS. */
const KILL_AFTER_MS = 90_000;
const GNU_TIME = '/usr/bin/time';
const hasGnuTime = existsSync(GNU_TIME) && spawnSync(GNU_TIME, ['-v', '-o', '/dev/null', 'true']).status === 0;
/** Without GNU time, the child reports its own peak RSS on exit (process.resourceUsage is in KiB). */
const RSS_PROBE = `data:text/javascript,${encodeURIComponent(
  "import { writeFileSync } from 'node:fs'; process.on('exit', () => writeFileSync(process.env.EKSDOCTOR_TEST_RSS_FILE, String(process.resourceUsage().maxRSS)));",
)}`;

const work = mkdtempSync(join(tmpdir(), 'eksdoctor-hostile-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let seq = 0;
function temp(name: string, content: string | Buffer): string {
  const dir = join(work, String(seq++));
  mkdirSync(dir);
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** A PATH whose `aws` reports a current version, so a healthy kubeconfig is clean offline and only the junk counts. */
const fakeAwsDir = join(work, 'bin');
mkdirSync(fakeAwsDir);
writeFileSync(join(fakeAwsDir, 'aws'), '#!/bin/sh\necho "aws-cli/2.15.30 Python/3.11.8 Linux/6.1.0 exe/x86_64.debian.12"\n');
chmodSync(join(fakeAwsDir, 'aws'), 0o755);
const env = () => isolatedEnv({ PATH: `${fakeAwsDir}:/usr/bin:/bin` });

interface Measured {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** From the last bytes on stdout (the report) to the process's end. */
  afterReportMs: number;
  maxRssMb: number;
}

/** Runs bin/eksdoctor under GNU time (or the RSS probe), killing it if it hangs; stdin gets `input` (EPIPE ignored). */
function run(args: string[], input?: string | Buffer): Promise<Measured> {
  const stats = join(work, `stats-${seq++}`);
  const [cmd, argv] = hasGnuTime
    ? [GNU_TIME, ['-v', '-o', stats, process.execPath, BIN, ...args]]
    : [process.execPath, ['--import', RSS_PROBE, BIN, ...args]];
  const started = performance.now();
  return new Promise((done, fail) => {
    const child = spawn(cmd, argv, { env: { ...env(), EKSDOCTOR_TEST_RSS_FILE: stats }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let outputAt = started;
    child.stdout.on('data', (d) => {
      stdout += d;
      outputAt = performance.now();
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.stdin.on('error', () => {}); // the CLI stops reading an oversized stdin: EPIPE is expected
    const killer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(killer);
      const ended = performance.now();
      const ms = ended - started;
      let kb = Number.NaN;
      try {
        const text = readFileSync(stats, 'utf8');
        kb = hasGnuTime ? Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(text)?.[1]) : Number(text);
      } catch {
        // no stats: the child died before writing them; maxRssMb stays NaN and fails the bound
      }
      done({ code, stdout, stderr, ms, afterReportMs: ended - outputAt, maxRssMb: kb / 1024 });
    });
    child.stdin.end(input);
  });
}

interface Finding {
  rule: string;
  severity: string;
  evidence: Record<string, unknown>;
}

/** The SPEC §7 contract for one run; returns the parsed report. */
function expectHandled(r: Measured, codes: number[] = [1]): { findings: Finding[]; verdict: string } {
  expect(r.stderr, 'never a stack trace').not.toMatch(/^\s+at /m);
  expect(r.stderr).not.toMatch(/internal error/);
  expect(codes, `exit code ${r.code}; stderr: ${r.stderr.slice(0, 300)}`).toContain(r.code);
  expect(r.maxRssMb, 'bounded memory (MB)').toBeLessThan(MAX_RSS_MB);
  const report = JSON.parse(r.stdout);
  expectBoundedTime(r, report);
  expect(report.schemaVersion).toBe(1);
  expect(Array.isArray(report.findings)).toBe(true);
  return report;
}

/** Bounded time, by the run's own clock: its report's durationMs, and the process ends once the report is out. */
function expectBoundedTime(r: Measured, report: { durationMs: number }): void {
  expect(report.durationMs, 'bounded time (by its report)').toBeLessThan(MAX_MS);
  expect(r.afterReportMs, `ended ${Math.round(r.afterReportMs)} ms after its report`).toBeLessThan(PROCESS_MARGIN_MS);
}

const auth = (file: string, input?: string | Buffer) => run(['auth', '--offline', '--output', 'json', '--kubeconfig', file], input);
const lint = (file: string, input?: string | Buffer) => run(['lint', file, '-o', 'json'], input);
const both = async (file: string) => [await auth(file), await lint(file)] as const;

/** Why the file was refused: kubeconfig/invalid's message (auth, and lint of a kubeconfig), or why lint could not lint it at all. */
function invalidMessages(report: { findings: Finding[] }): string[] {
  return report.findings.filter((f) => f.rule === 'kubeconfig/invalid' || f.rule === 'lint/not-recognized').map((f) => String(f.evidence.message ?? f.evidence.reason));
}

/** The kubeconfig `aws eks update-kubeconfig` writes: clean offline with a current aws on PATH. */
const N = 'arn:aws:eks:us-west-2:111122223333:cluster/prod';
function healthy(): Record<string, any> {
  return {
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': N,
    clusters: [{ name: N, cluster: { server: 'https://0A1B2C3D4E5F60718293A4B5C6D7E8F9.gr7.us-west-2.eks.amazonaws.com', 'certificate-authority-data': 'LS0tLS1CRUdJTg==' } }],
    contexts: [{ name: N, context: { cluster: N, user: N } }],
    users: [
      {
        name: N,
        user: {
          exec: {
            apiVersion: 'client.authentication.k8s.io/v1beta1',
            command: 'aws',
            args: ['--region', 'us-west-2', 'eks', 'get-token', '--cluster-name', 'prod'],
            env: [{ name: 'AWS_STS_REGIONAL_ENDPOINTS', value: 'regional' }],
          },
        },
      },
    ],
  };
}

describe('the harness', () => {
  it('a healthy kubeconfig exits 0 offline (so every failure below is the junk’s doing)', async () => {
    const file = temp('config', yaml.dump(healthy()));
    for (const r of await both(file)) expect(expectHandled(r, [0]).findings.filter((f) => f.severity !== 'info')).toEqual([]);
  });
});

describe('YAML alias bombs (billion laughs)', () => {
  it.each([
    ['billion-laughs-kubeconfig.yaml', /server must be a string, not a list/],
    ['billion-laughs-top-level.yaml', /clusters\[0\] has no name/],
    ['billion-laughs-mappings.yaml', /exec has no command/],
  ])('%s: kubeconfig/invalid, no expansion', async (name, message) => {
    for (const r of await both(fixture('hostile', name))) {
      const report = expectHandled(r);
      expect(invalidMessages(report).join('\n')).toMatch(message);
    }
  });

  it('an aliased list as an exec env value is a finding, not a 9^9-element String() (was exit 3 after 12 s and 1.5 GB)', async () => {
    const report = expectHandled(await lint(fixture('hostile', 'billion-laughs-kubeconfig.yaml')));
    expect(invalidMessages(report)).toContain('user "prod": exec.env entries need a name and a value');
  });
});

describe('deep nesting (10,000 levels)', () => {
  const depth = 10_000;
  it.each([
    ['flow sequences', '['.repeat(depth) + ']'.repeat(depth)],
    ['flow mappings', '{a: '.repeat(depth) + '1' + '}'.repeat(depth)],
    ['block sequences', `${'- '.repeat(depth)}x`],
    ['inside a user entry', `users:\n- name: u\n  user: ${'['.repeat(depth)}${']'.repeat(depth)}\n`],
    ['inside exec args', `users:\n- name: u\n  user:\n    exec:\n      command: aws\n      args: ${'{a: ['.repeat(depth / 2)}${']}'.repeat(depth / 2)}\n`],
  ])('%s: kubeconfig/invalid', async (_name, text) => {
    const file = temp('config', `${text}\n`);
    for (const r of await both(file)) expect(invalidMessages(expectHandled(r)).length).toBeGreaterThan(0);
  });
});

describe('huge input', () => {
  const fiftyMb = 50 * 1024 * 1024;
  /** A real kubeconfig followed by 50 MB of plausible YAML (comment lines), so only the size can reject it. */
  const bigKubeconfig = () => yaml.dump(healthy()) + `# ${'x'.repeat(98)}\n`.repeat(fiftyMb / 101);

  it('a 50 MB kubeconfig file: kubeconfig/invalid naming the size, without reading it', async () => {
    const file = temp('config', bigKubeconfig());
    for (const r of await both(file)) expect(invalidMessages(expectHandled(r)).join('\n')).toMatch(/MiB/);
  });

  it('50 MB on stdin (--kubeconfig - and lint -): read only up to the limit, never parsed truncated', async () => {
    const input = bigKubeconfig();
    for (const r of [await auth('-', input), await lint('-', input)]) expect(invalidMessages(expectHandled(r)).join('\n')).toMatch(/larger than 4 MiB/);
  });

  it('a 50 MB single-line token in a healthy user: still the size finding', async () => {
    const doc = healthy();
    doc.users[0].user = { token: 'x'.repeat(fiftyMb) };
    const file = temp('config', yaml.dump(doc, { lineWidth: -1 }));
    expect(invalidMessages(expectHandled(await lint(file))).join('\n')).toMatch(/MiB/);
  });

  it('/dev/zero and /dev/urandom are refused before they are opened: not regular files (was 0.6–1.2 GB and 12 s)', async () => {
    for (const dev of ['/dev/zero', '/dev/urandom']) {
      for (const r of await both(dev)) expect(invalidMessages(expectHandled(r)).join('\n')).toMatch(/is not a regular file \(a device\)/);
    }
  });

  it('3.9 MB of healthy entries (under the limit: fully parsed) stays fast and small', async () => {
    const doc = healthy();
    for (let i = 0; doc.clusters.length < 22_000; i++) {
      doc.clusters.push({ ...doc.clusters[0], name: `c${i}` });
      doc.contexts.push({ name: `c${i}`, context: { cluster: `c${i}`, user: N } });
    }
    const text = yaml.dump(doc);
    expect(text.length).toBeGreaterThan(2 * 1024 * 1024);
    expect(text.length).toBeLessThan(4 * 1024 * 1024);
    const file = temp('config', text);
    for (const r of await both(file)) expectHandled(r, [0]);
  });

  it('a wrong type in each of 90,000 entries: problems are capped per file (locating each one was quadratic: 311 s)', async () => {
    let text = 'apiVersion: v1\nusers:\n';
    for (let i = 0; i < 90_000; i++) text += `- name: u${i}\n  user:\n    tokenFile: [x]\n`;
    const file = temp('config', text);
    const r = await run(['lint', file, '-o', 'json']);
    expectBoundedTime(r, JSON.parse(r.stdout));
    expect(r.maxRssMb).toBeLessThan(MAX_RSS_MB);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('problems past 100 per file are summed up in one finding', async () => {
    let text = 'apiVersion: v1\nusers:\n';
    for (let i = 0; i < 200; i++) text += `- name: u${i}\n  user:\n    tokenFile: [x]\n`;
    const messages = invalidMessages(expectHandled(await lint(temp('config', text))));
    expect(messages).toHaveLength(101);
    expect(messages.at(-1)).toMatch(/more than 100 problems/);
  });

  // KNOWN BUG (CLI, not a parser, so not fixed here): src/cli/main.ts calls process.exit() right after writing the
  // report, which cuts stdout at 64 KiB when it is a shell pipe (`eksdoctor lint f -o json | jq`; Node 20:
  // `node -e "process.stdout.write('x'.repeat(2e5)); process.exit()" | wc -c` → 65536). It shows whenever the reader
  // is slower than the writer — here `sleep 0.5; cat`, in life `jq` on a busy runner. main.ts lets stdout drain before it exits.
  it('a report larger than a pipe buffer arrives whole through a shell pipe', async () => {
    let text = 'apiVersion: v1\nusers:\n';
    for (let i = 0; i < 200; i++) text += `- name: u${i}\n  user:\n    tokenFile: [x]\n`;
    const file = temp('config', text);
    const r = spawnSync('/bin/sh', ['-c', '"$0" "$@" | (sleep 0.5; cat)', process.execPath, BIN, 'lint', file, '-o', 'json'], { encoding: 'utf8', env: env() });
    expect(r.stdout.length).toBeGreaterThan(64 * 1024);
    expect(() => JSON.parse(r.stdout)).not.toThrow();
  });
});

describe('binary, empty and odd files', () => {
  it.each([
    ['random bytes', () => randomBytes(64 * 1024), /binary/],
    ['random high bytes, no NUL', () => Buffer.from(randomBytes(64 * 1024).map((b) => b | 0x80)), /./],
    ['control characters', () => Buffer.from(Array.from({ length: 4096 }, (_, i) => 1 + (i % 31))), /./],
    ['UTF-16 with a BOM', () => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(yaml.dump(healthy()), 'utf16le')]), /binary/],
    ['a gzip header', () => Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x01, 0x02]), /./],
    ['a lone scalar', () => 'just some words', /top level is not a mapping|not a kubeconfig/],
    ['a top-level list', () => '- a\n- b\n', /top level is not a mapping|not a kubeconfig/],
    ['tabs for indentation', () => 'users:\n\t- name: u\n', /./],
    ['an unterminated quote', () => 'current-context: "prod\n', /./],
    ['a duplicate key', () => 'current-context: a\ncurrent-context: b\nclusters: []\nclusters: {}\n', /./],
    ['an unknown tag', () => 'clusters: !!python/object:os.system [rm]\n', /./],
  ])('%s: kubeconfig/invalid', async (_name, content, message) => {
    const file = temp('config', content());
    for (const r of await both(file)) expect(invalidMessages(expectHandled(r)).join('\n')).toMatch(message);
  });

  it.each([
    ['an empty file', ''],
    ['only whitespace', '  \n\n\t\n'],
    ['only comments', '# nothing here\n'],
    ['only a document marker', '---\n'],
    ['null', 'null\n'],
  ])('%s: auth says no current context (exit 1); lint linted nothing, so it does not pass (exit 1)', async (_name, content) => {
    const file = temp('config', content);
    const a = expectHandled(await auth(file));
    expect(a.findings.map((f) => f.rule)).toContain('kubeconfig/no-current-context');
    // client-go loads an empty file as an empty config; but lint found nothing to lint in it, which must not pass.
    const l = expectHandled(await lint(file));
    expect(l.findings.map((f) => f.rule)).toEqual(['lint/not-recognized']);
  });

  it('a directory passed as the file: kubeconfig/invalid "is a directory"', async () => {
    const dir = join(work, `dir-${seq++}`);
    mkdirSync(dir);
    for (const r of await both(dir)) expect(invalidMessages(expectHandled(r)).join('\n')).toMatch(/is a directory/);
  });

  it('a file that does not exist: kubeconfig/not-found for auth, lint/not-recognized ("does not exist") for lint', async () => {
    const missing = join(work, 'no-such-file');
    expect(expectHandled(await auth(missing)).findings.map((f) => f.rule)).toContain('kubeconfig/not-found');
    expect(invalidMessages(expectHandled(await lint(missing)))).toEqual([`${missing} does not exist`]);
  });

  it('a path through a regular file (ENOTDIR): kubeconfig/invalid "cannot be read"', async () => {
    const file = temp('config', 'x: 1\n');
    for (const r of await both(join(file, 'inside'))) expect(invalidMessages(expectHandled(r)).join('\n')).toMatch(/cannot be read \(ENOTDIR\)/);
  });

  it('an unreadable file (chmod 000): "cannot be read (EACCES)", or, as root, read like any other', async () => {
    const file = temp('config', 'current-context: [junk]\n');
    chmodSync(file, 0o000);
    let readable = true;
    try {
      accessSync(file, constants.R_OK); // root (CAP_DAC_OVERRIDE, as in CI containers) still reads it
    } catch {
      readable = false;
    }
    for (const r of await both(file)) {
      const messages = invalidMessages(expectHandled(r)).join('\n');
      expect(messages).toMatch(readable ? /"current-context" must be a string/ : /cannot be read \(EACCES\)/);
    }
  });

  it('unknown options and a missing file argument are usage errors (exit 2), with nothing on stdout', async () => {
    for (const r of [await run(['auth', '--offline', '--kubeconfigg', 'x']), await run(['lint'])]) {
      expect(r.code).toBe(2);
      expect(r.stderr).not.toMatch(/^\s+at /m);
      expect(r.stderr).toMatch(/eksdoctor|error/);
      expect(r.stdout).toBe('');
    }
  });
});

/** Every field of a kubeconfig, with each wrong type: never a crash, always a kubeconfig finding naming the field. */
describe.concurrent('wrong types in every field of a kubeconfig', () => {
  const junk: Record<string, unknown> = { number: 42, list: ['a', 'b'], mapping: { a: 1 }, boolean: true, string: 'junk' };
  // [path, message pattern, kinds that are valid for the field (kubectl accepts them too)]
  const fields: [string, RegExp, string[]][] = [
    // A file whose top level is not a mapping is no kubeconfig at all: auth says so, lint refuses to pass it.
    ['', /top level is not a mapping|no-current-context|lint\/not-recognized/, ['mapping']],
    ['current-context', /"current-context" must be a string/, ['string']],
    ['clusters', /"clusters" must be a list/, ['list']],
    ['clusters.0', /clusters\[0\] has no name/, []],
    ['clusters.0.name', /clusters\[0\] has no name/, ['string']],
    ['clusters.0.cluster', /has no "cluster" mapping/, ['mapping']],
    ['clusters.0.cluster.server', /server must be a string/, ['string']],
    ['clusters.0.cluster.certificate-authority-data', /certificate-authority-data must be a string/, ['string']],
    ['clusters.0.cluster.certificate-authority', /certificate-authority must be a string/, ['string']],
    ['clusters.0.cluster.insecure-skip-tls-verify', /insecure-skip-tls-verify must be true or false/, ['boolean']],
    ['contexts', /"contexts" must be a list/, ['list']],
    ['contexts.0', /contexts\[0\] has no name/, []],
    ['contexts.0.name', /contexts\[0\] has no name/, ['string']],
    ['contexts.0.context', /has no "context" mapping/, ['mapping']],
    ['contexts.0.context.cluster', /context ".*": cluster must be a string/, ['string']],
    ['contexts.0.context.user', /context ".*": user must be a string/, ['string']],
    ['contexts.0.context.namespace', /namespace must be a string/, ['string']],
    ['users', /"users" must be a list/, ['list']],
    ['users.0', /users\[0\] has no name/, []],
    ['users.0.name', /users\[0\] has no name/, ['string']],
    ['users.0.user', /has no "user" mapping/, ['mapping']],
    ['users.0.user.token', /token must be a string/, ['string']],
    ['users.0.user.tokenFile', /tokenFile must be a string/, ['string']],
    ['users.0.user.exec', /exec must be a mapping/, ['mapping']],
    ['users.0.user.exec.apiVersion', /exec\.apiVersion must be a string/, ['string']],
    ['users.0.user.exec.command', /exec\.command must be a string|exec has no command/, ['string']],
    ['users.0.user.exec.args', /exec\.args must be a list of strings/, ['list']],
    // numbers in args and env values are tolerated (written unquoted by hand, e.g. a port): only lists and mappings are junk
    ['users.0.user.exec.args.0', /exec\.args must be a list of strings/, ['string', 'number']],
    ['users.0.user.exec.env', /exec\.env must be a list/, ['list']],
    ['users.0.user.exec.env.0', /exec\.env entries need a name and a value/, []],
    ['users.0.user.exec.env.0.name', /exec\.env entries need a name and a value/, ['string']],
    ['users.0.user.exec.env.0.value', /exec\.env entries need a name and a value/, ['string', 'number', 'boolean']],
    ['users.0.user.exec.interactiveMode', /exec\.interactiveMode must be a string/, ['string']],
    ['users.0.user.exec.provideClusterInfo', /exec\.provideClusterInfo must be true or false/, ['boolean']],
  ];
  const cases = fields.flatMap(([path, message, valid]) =>
    Object.keys(junk)
      .filter((kind) => !valid.includes(kind))
      .map((kind) => [path || '(top level)', kind, message] as const),
  );

  function withJunk(path: string, value: unknown): Record<string, any> {
    const doc = healthy();
    if (path === '(top level)') return value as Record<string, any>;
    const keys = path.split('.');
    let at: any = doc;
    for (const k of keys.slice(0, -1)) at = at[k];
    at[keys.at(-1)!] = value;
    return doc;
  }

  function expectNamed(findings: Finding[], message: RegExp): void {
    expect(findings.map((f) => `${f.rule}: ${f.evidence.message ?? ''}`).join('\n')).toMatch(message);
    // a structural problem points at its line
    const located = findings.filter((f) => f.rule === 'kubeconfig/invalid' && /must be|has no "/.test(String(f.evidence.message)));
    for (const f of located) expect(f.evidence.line, JSON.stringify(f.evidence)).toEqual(expect.any(Number));
  }

  // One `lint` run per field lints every wrong type of it at once (findings are per file, check `lint:<file>`);
  // `auth` runs on the first wrong type of each field. ~70 CLI runs instead of ~250.
  it.each(fields.map(([path, message]) => [path || '(top level)', message] as const))('%s', async (path, message) => {
    const kinds = cases.filter(([p]) => p === path).map(([, kind]) => kind);
    const files = kinds.map((kind) => temp(`${kind}.yaml`, yaml.dump(withJunk(path, junk[kind]))));
    const linted = expectHandled(await run(['lint', ...files, '-o', 'json']));
    files.forEach((file, i) => {
      const own = linted.findings.filter((f) => (f as Finding & { check: string }).check === `lint:${file}`);
      expect(own.length, `${path} = ${kinds[i]}`).toBeGreaterThan(0);
      expectNamed(own, message);
    });
    expectNamed(expectHandled(await auth(files[0]!)).findings, message);
  });
});

const lintHelp = spawnSync(process.execPath, [BIN, 'lint', '--help'], { encoding: 'utf8' }).stdout;
const lintReadsAwsAuth = /aws-auth/i.test(lintHelp);

/**
 * aws-auth: `lint --help` says it reads kubeconfig files only (checked at run time below), so hostile aws-auth
 * manifests are tested at the unit level against parseAwsAuthManifest; the CLI test runs once lint reads them.
 */
describe('an aws-auth manifest with junk in every section (unit level: parseAwsAuthManifest)', () => {
  const junkFile = readFileSync(fixture('hostile', 'aws-auth-junk.yaml'), 'utf8');

  it('every section and entry of the junk fixture gets its own aws-auth finding, with a line', () => {
    const { config, problems } = parseAwsAuthManifest(junkFile, 'aws-auth-junk.yaml');
    const field = (p: object, k: string) => (p as Record<string, unknown>)[k] ?? '';
    const reasons = problems.map((p) => `${p.kind} ${field(p, 'section')} ${field(p, 'entry')}: ${field(p, 'reason') || field(p, 'key')}`).join('\n');
    for (const expected of [
      /namespace "default"/,
      /unknown-key data : MapRoles/,
      /mapRoles 1: entry 1 is a string/,
      /mapRoles 2: entry 2 is a list/,
      /mapRoles 3: rolearn is a number/,
      /mapRoles 4: rolearn is a list/,
      /mapRoles 5: rolearn is a mapping/,
      /mapRoles 6: username is a list/,
      /mapRoles 6: groups is a string/,
      /mapRoles 7: groups contains an item that is not a string/,
      /mapRoles 8: an entry may have rolearn or sso/,
      /mapRoles 9: mapRoles entries need `rolearn`/,
      /mapRoles 10: entry 10 has no rolearn/,
      /unknown-key mapRoles 11: rolarn/,
      /assumed-role-arn/,
      /invalid-username-template/,
      /invalid-arn/,
      /mapUsers : mapUsers is a mapping, not a list/,
      /mapAccounts : a mapAccounts entry is a mapping/,
      /mapAccounts : a mapAccounts entry is a list/,
    ]) expect(reasons).toMatch(expected);
    for (const p of problems) if (p.kind === 'invalid-yaml') expect(p.line, JSON.stringify(p)).toEqual(expect.any(Number));
    expect(config?.accounts).toEqual(['111122223333']);
  });

  const bomb = [
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    ...'bcdefghi'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`),
  ];
  const manifest = (data: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\ndata:\n${data}`;
  const block = (key: string, body: string) => `  ${key}: |\n${body.split('\n').map((l) => `    ${l}`).join('\n')}\n`;
  const hostile: [string, string, RegExp][] = [
    ['data is a list', manifest('  - mapRoles\n'), /data is a list/],
    ['data is a string', manifest('  just text\n'), /data is a string/],
    ['mapRoles is a YAML list, not a string', manifest('  mapRoles:\n  - rolearn: x\n'), /data\.mapRoles is a list/],
    ['mapUsers is a number', manifest('  mapUsers: 42\n'), /data\.mapUsers is a number/],
    ['mapAccounts is a mapping', manifest('  mapAccounts: {a: 1}\n'), /data\.mapAccounts is a mapping/],
    // yaml.v2 decode.go: more than 99% of 1000+ decodes through aliases is "excessive aliasing", which drops the section.
    ['a billion laughs in mapRoles', manifest(block('mapRoles', `- rolearn: arn:aws:iam::111122223333:role/x\n  lol:\n${bomb.map((l) => `    ${l}`).join('\n')}\n  groups: *i`)), /excessive aliasing/],
    ['a billion laughs in mapAccounts', manifest(block('mapAccounts', `- {${bomb.join(', ')}}\n- *i`)), /a mapAccounts entry is a mapping/],
    ['a billion laughs over the whole manifest', `${bomb.join('\n')}\nkind: ConfigMap\nmetadata: {name: aws-auth, namespace: *i}\ndata: *i\n`, /data is a list/],
    ['10,000 levels in mapRoles', manifest(block('mapRoles', `${'['.repeat(10_000)}${']'.repeat(10_000)}`)), /nesting|maxDepth|depth/i],
    ['10,000 levels in the manifest', `${'{a: '.repeat(10_000)}1${'}'.repeat(10_000)}\n`, /nesting|maxDepth|depth/i],
    ['binary in a section', manifest(`  mapRoles: "\\0\\x01\\x02"\n`), /binary/],
    ['binary file', randomBytes(4096).toString('latin1') + '\u0000', /binary/],
    ['a YAML syntax error in mapUsers', manifest(block('mapUsers', '- userarn: [unclosed\n  username: x')), /./],
    ['tabs in mapRoles', manifest(block('mapRoles', '- rolearn: arn:aws:iam::111122223333:role/x\n\tusername: x')), /./],
    ['an empty file', '', /no ConfigMap named aws-auth/],
    ['only comments and markers', '# x\n---\n...\n---\n', /no ConfigMap named aws-auth/],
    ['5 MB', manifest(block('mapRoles', '- rolearn: x\n'.repeat(5 * 1024 * 1024 / 14))), /larger than 4 MiB/],
    ['a section over the 1 MiB ConfigMap limit', manifest(block('mapRoles', `# ${'x'.repeat(1.1 * 1024 * 1024)}`)), /larger than 1 MiB/],
    ['20,000 bad entries', manifest(block('mapRoles', '- 1\n'.repeat(20_000))), /only the first 5000 were checked/],
  ];

  it.each(hostile)('%s: aws-auth findings only, never a throw, bounded', (_name, text, reason) => {
    const { result: { problems }, cpuMs } = cpuTimeMs(() => parseAwsAuthManifest(text, 'aws-auth.yaml'));
    expect(cpuMs).toBeLessThan(5_000);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.map((p) => String('reason' in p ? p.reason : 'key' in p ? p.key : '')).join('\n')).toMatch(reason);
    expect(() => JSON.stringify(problems)).not.toThrow(); // evidence never holds an aliased structure
    expect(JSON.stringify(problems).length).toBeLessThan(5 * 1024 * 1024);
  });

  it.runIf(lintReadsAwsAuth)('through `eksdoctor lint` once it reads aws-auth: aws-auth/* findings, exit 1', async () => {
    const report = expectHandled(await lint(fixture('hostile', 'aws-auth-junk.yaml')));
    expect(report.findings.some((f) => f.rule.startsWith('aws-auth/'))).toBe(true);
  });
});
