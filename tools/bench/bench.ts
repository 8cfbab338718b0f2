/**
 * `npm run bench`: the performance contract of SPEC §6, measured on the embedded emulator.
 * Every figure is a median over repeated runs; every compared figure is the median of ratios taken
 * pair by pair (both sides run back to back in the same iteration). Prints a Markdown table, the
 * measured causes behind each figure, one verdict per target, and writes the same to .bench/last.md.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { ALL_CHECKS } from '../../src/checks/index.js';
import type { Report } from '../../src/report/model.js';
import { startRecordingProxy, repeatedCalls } from './aws-proxy.js';
import { attributeCalls, checkWindows, criticalPath, sequentialRoundTrips, type CriticalPath } from './critical-path.js';
import { startBenchEmulator, type BenchEmulator } from './harness.js';
import { multiContextKubeconfig } from './multi-context.js';
import { RSS_MARKER } from './rss-marker.js';
import { runRunbook, type RunbookStep } from './runbook.js';
import { onPath, timeSpawn } from './spawn.js';
import { formatMs, formatRatio, median, pairedRatio, range } from './stats.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(ROOT, 'bin', 'eksdoctor');
const NODE = process.execPath;
const RSS_PROBE = join(ROOT, 'dist', 'bench', 'rss-probe.js');
const LATENCY_MS = 100;
const CONTEXTS = 50;
// Fewer runs for the slow rows (the runbook by hand takes ~20 s, 50 contexts ~20 s) to stay near 3 minutes.
const RUNS = { coldStart: 7, handPairs: 3, latency: 5, fleetPairs: 2, rss: 3 };

const table: string[] = ['| # | measurement | median | vs | runs | spread |', '| --- | --- | --- | --- | --- | --- |'];
const details: string[] = [];
const verdicts: string[] = [];

function row(n: string, what: string, med: string, vs: string, runs: number | string, spread = ''): void {
  table.push(`| ${n} | ${what} | ${med} | ${vs} | ${runs} | ${spread} |`);
}
function spreadOf(values: number[]): string {
  const [lo, hi] = range(values);
  return `${formatMs(lo)} – ${formatMs(hi)}`;
}
function verdict(target: string, met: boolean | undefined, figure: string): void {
  verdicts.push(`- ${met === undefined ? 'NOT MEASURED' : met ? 'MET' : 'NOT MET'} — ${target}: ${figure}`);
}
function log(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

/** `eksdoctor <args>` spawned exactly as `node -e 0` is: the same node binary, no shell. */
function eksdoctor(args: string[], env: NodeJS.ProcessEnv = process.env, nodeFlags: string[] = []) {
  return timeSpawn(NODE, [...nodeFlags, BIN, ...args], { env, cwd: ROOT });
}

function parseReport(stdout: string, what: string): Report {
  try {
    return JSON.parse(stdout) as Report;
  } catch {
    throw new Error(`${what}: stdout is not one JSON document: ${stdout.slice(0, 200)}`);
  }
}

/** Milliseconds to import each dist module in turn, inside one fresh node process (median of `runs`). */
async function importCost(modules: string[], runs = 3): Promise<number[]> {
  const urls = modules.map((m) => JSON.stringify(new URL(`file://${join(ROOT, 'dist', m)}`).href));
  const script = `const ms = []; for (const u of [${urls.join(', ')}]) { const t = performance.now(); await import(u); ms.push(performance.now() - t); } process.stdout.write(JSON.stringify(ms));`;
  const samples: number[][] = [];
  for (let i = 0; i < runs; i++) samples.push(JSON.parse((await timeSpawn(NODE, ['--input-type=module', '-e', script], { cwd: ROOT })).stdout) as number[]);
  return modules.map((_, i) => median(samples.map((s) => s[i]!)));
}

/** `/usr/bin/time -f` around a command: CPU seconds (user + system) of it and its waited-for children. */
const CPU_MARKER = 'EKSDOCTOR_BENCH_CPU=';
function cpuSeconds(stderr: string): number | undefined {
  const m = new RegExp(`${CPU_MARKER}([\\d.]+)\\+([\\d.]+)`).exec(stderr);
  return m ? Number(m[1]) + Number(m[2]) : undefined;
}

// ---------------------------------------------------------------------------------------------
// 1. Cold start

async function coldStart(): Promise<void> {
  log('1/5 cold start');
  const offline = ['auth', '--offline', '--kubeconfig', 'fixtures/kubeconfig/aws-cli-v1beta1.yaml'];
  const cases = { node: [] as number[], version: [] as number[], rules: [] as number[], offline: [] as number[] };
  for (let i = 0; i <= RUNS.coldStart; i++) {
    const n = await timeSpawn(NODE, ['-e', '0'], { cwd: ROOT });
    const v = await eksdoctor(['--version']);
    const r = await eksdoctor(['rules']);
    const o = await eksdoctor(offline);
    if (i === 0) continue; // warm the file cache and the page cache of node itself
    cases.node.push(n.ms);
    cases.version.push(v.ms);
    cases.rules.push(r.ms);
    cases.offline.push(o.ms);
  }
  const vs = (xs: number[]) => formatRatio(pairedRatio(xs, cases.node)) + ' node';
  row('1', '`node -e 0`', formatMs(median(cases.node)), '1.00× node', RUNS.coldStart, spreadOf(cases.node));
  row('1', '`eksdoctor --version`', formatMs(median(cases.version)), vs(cases.version), RUNS.coldStart, spreadOf(cases.version));
  row('1', '`eksdoctor rules`', formatMs(median(cases.rules)), vs(cases.rules), RUNS.coldStart, spreadOf(cases.rules));
  row('1', '`eksdoctor auth --offline` (aws-cli-v1beta1.yaml)', formatMs(median(cases.offline)), vs(cases.offline), RUNS.coldStart, spreadOf(cases.offline));
  const rv = pairedRatio(cases.version, cases.node);
  const rr = pairedRatio(cases.rules, cases.node);
  verdict('cold start `--version` ≤ 2× `node -e 0`', rv <= 2, formatRatio(rv));
  verdict('cold start `rules` ≤ 2× `node -e 0`', rr <= 2, formatRatio(rr));

  // Where the time goes: module evaluation measured inside a fresh process, and the offline run's checks.
  const [program, rules, rulesCommand] = await importCost(['cli/program.js', 'rules/index.js', 'cli/commands/rules.js'], 5);
  const json = await eksdoctor([...offline, '-o', 'json']);
  const report = parseReport(json.stdout, 'auth --offline');
  const awsVersion = (await onPath('aws')) ? await timeSpawn('aws', ['--version']) : undefined;
  details.push(
    `- Cold start, inside the process (median of 5): importing \`cli/program.js\` (commander + the command tree) ${formatMs(program!)}, ` +
      `then the rule catalog \`rules/index.js\` ${formatMs(rules!)}, then \`cli/commands/rules.js\` ${formatMs(rulesCommand!)}. ` +
      `The rest of a run over \`node -e 0\` is Node's ESM loader resolving and reading the files.`,
    `- \`auth --offline\` checks: ${report.checks.map((c) => `${c.id} ${c.durationMs} ms`).join(', ')} (report durationMs ${report.durationMs})` +
      (awsVersion ? `; \`aws --version\` alone takes ${formatMs(awsVersion.ms)} (the exec-plugin check runs the plugin's \`aws\` to read its version).` : '.'),
  );
}

// ---------------------------------------------------------------------------------------------
// 2. eksdoctor vs the manual runbook

async function versusByHand(builtin: BenchEmulator): Promise<void> {
  log('2/5 eksdoctor vs the runbook by hand');
  const missing = [(await onPath('aws')) ? undefined : 'aws', (await onPath('kubectl')) ? undefined : 'kubectl'].filter(Boolean);
  if (missing.length > 0) {
    row('2', 'full `auth` vs by hand (AWS CLI + kubectl)', 'skipped', '', 0, `${missing.join(' and ')} not on PATH`);
    verdict('full `auth` ≥ 5× faster than by hand', undefined, `skipped: ${missing.join(' and ')} not on PATH`);
    return;
  }
  // Both sides use the same kubeconfig: its exec plugin is the real `aws eks get-token`, as for the person.
  const classic = await startBenchEmulator('classic', { exec: 'aws-cli' });
  const api = await startBenchEmulator('healthy-api', { exec: 'aws-cli' });
  try {
    const principalArn = api.emu.state.scenario.principals[0]!.arn;
    const targets = {
      main: { env: classic.env, cluster: classic.emu.state.scenario.cluster.name },
      accessEntries: { env: api.env, cluster: api.emu.state.scenario.cluster.name, principalArn },
    };
    const tool: number[] = [];
    const toolBuiltin: number[] = [];
    const hand: number[] = [];
    const steps: RunbookStep[][] = [];
    for (let i = 0; i < RUNS.handPairs; i++) {
      const t = await eksdoctor(['auth', '-o', 'json'], classic.env);
      parseReport(t.stdout, 'auth (aws-cli exec)');
      const b = await eksdoctor(['auth', '-o', 'json'], builtin.env);
      parseReport(b.stdout, 'auth (builtin exec)');
      const t0 = performance.now();
      steps.push(await runRunbook(targets));
      hand.push(performance.now() - t0);
      tool.push(t.ms);
      toolBuiltin.push(b.ms);
    }
    const ratio = pairedRatio(hand, tool);
    row('2', 'runbook by hand: 9+ commands, one after the other', formatMs(median(hand)), '', RUNS.handPairs, spreadOf(hand));
    row('2', 'full `auth -o json` (classic; exec = real `aws eks get-token`)', formatMs(median(tool)), `${formatRatio(ratio)} faster than by hand`, RUNS.handPairs, spreadOf(tool));
    row('2', 'full `auth -o json` (classic; exec = built-in get-token)', formatMs(median(toolBuiltin)), `${formatRatio(pairedRatio(hand, toolBuiltin))} faster than by hand`, RUNS.handPairs, spreadOf(toolBuiltin));
    verdict('full `auth` ≥ 5× faster than the runbook by hand', ratio >= 5, `${formatRatio(ratio)} (same kubeconfig, exec plugin = AWS CLI)`);
    const labels = [...new Set(steps.flat().map((s) => s.label))];
    const perStep = labels.map((l) => {
      const ms = steps.map((run) => run.filter((s) => s.label === l).reduce((sum, s) => sum + s.ms, 0));
      const count = median(steps.map((run) => run.filter((s) => s.label === l).length));
      const codes = [...new Set(steps.flat().filter((s) => s.label === l).map((s) => s.code))].join('/');
      return `\`${l}\`${count > 1 ? ` ×${count}` : ''} ${formatMs(median(ms))} (exit ${codes})`;
    });
    details.push(
      `- Runbook by hand (median per step): ${perStep.join(', ')}. The three access-entry commands run against the healthy-api scenario ` +
        `(classic is CONFIG_MAP, where EKS refuses them); the rest against classic, whose instance role is unmapped, so the kubectl steps answer Unauthorized, as they would for that person.`,
    );
  } finally {
    await Promise.all([classic.close(), api.close()]);
  }
}

// ---------------------------------------------------------------------------------------------
// 3. With 100 ms per call: full run vs its critical path

// Mid-run waits (`waitsFor`) are left out: a check's calls before the wait do not depend on them, and
// none of them lies on a longer chain than the edges below (logs: cluster → 2 round trips).
const PREDECESSORS = new Map(ALL_CHECKS.map((c) => [c.id, [...c.dependsOn, ...(c.after ?? [])]]));

interface LatencyRun {
  wallMs: number;
  reportMs: number;
  path: CriticalPath;
  roundTrips: Map<string, number>;
  durations: Map<string, number>;
  statuses: string;
  unattributed: number;
}

/**
 * Method: the report gives each check's durationMs; the engine starts a check when its last
 * predecessor ends, so each check's window is rebuilt from the graph and the run's startedAt. Every
 * emulator call (start stamped by the harness, end by the journal) is attributed to the narrowest
 * window that contains it; a check's sequential round trips are the longest chain of its
 * non-overlapping calls. Weight = round trips × 100 ms; the critical path is the heaviest chain
 * through dependsOn + after. It is the floor of any schedule with that latency: everything else
 * (process start, module loading, the exec plugin's process, CPU) is what the run adds on top.
 */
async function oneLatencyRun(emu: BenchEmulator): Promise<LatencyRun> {
  emu.reset();
  const t = await eksdoctor(['auth', '-o', 'json'], emu.env);
  const report = parseReport(t.stdout, 'auth with latency');
  const windows = checkWindows(report.checks, PREDECESSORS, Date.parse(report.startedAt));
  const byCheck = attributeCalls(windows, emu.calls());
  const roundTrips = new Map(report.checks.map((c) => [c.id, sequentialRoundTrips(byCheck.get(c.id) ?? [])]));
  const path = criticalPath(report.checks.map((c) => ({ id: c.id, predecessors: PREDECESSORS.get(c.id) ?? [], weight: roundTrips.get(c.id)! * LATENCY_MS })));
  return {
    wallMs: t.ms,
    reportMs: report.durationMs,
    path,
    roundTrips,
    durations: new Map(report.checks.map((c) => [c.id, c.durationMs])),
    statuses: report.checks.map((c) => `${c.id}=${c.status}`).join(' '),
    unattributed: byCheck.get('')?.length ?? 0,
  };
}

async function latency(emu: BenchEmulator): Promise<void> {
  log('3/5 100 ms per call: full run vs critical path');
  const runs: LatencyRun[] = [];
  await oneLatencyRun(emu); // warm-up
  for (let i = 0; i < RUNS.latency; i++) runs.push(await oneLatencyRun(emu));
  const cp = runs.map((r) => r.path.weight);
  const wall = runs.map((r) => r.wallMs);
  const inProcess = runs.map((r) => r.reportMs);
  const ratio = pairedRatio(wall, cp);
  row('3', `critical path (round trips × ${LATENCY_MS} ms)`, formatMs(median(cp)), '', RUNS.latency, spreadOf(cp));
  row('3', 'full `auth -o json`, wall clock (spawn to exit)', formatMs(median(wall)), `${formatRatio(ratio)} critical path`, RUNS.latency, spreadOf(wall));
  row('3', 'same runs, the report\'s durationMs (checks only)', formatMs(median(inProcess)), `${formatRatio(pairedRatio(inProcess, cp))} critical path`, RUNS.latency, spreadOf(inProcess));
  verdict(`with ${LATENCY_MS} ms per call, full run ≤ 1.3× its critical path`, ratio <= 1.3, `${formatRatio(ratio)} (wall ${formatMs(median(wall))} vs path ${formatMs(median(cp))})`);

  // The median run, check by check: where the time beyond the round trips goes.
  const mid = [...runs].sort((a, b) => a.wallMs - b.wallMs)[runs.length >> 1]!;
  const excess = [...mid.durations]
    .map(([id, ms]) => ({ id, ms, rt: mid.roundTrips.get(id)!, over: ms - mid.roundTrips.get(id)! * LATENCY_MS }))
    .filter((c) => c.ms > 0)
    .map((c) => `${c.id} ${c.ms} ms = ${c.rt} RT + ${c.over} ms`);
  const changed = new Set(runs.map((r) => r.statuses)).size > 1;
  // The two checks whose time is not round trips: the exec plugin's own process, and loading the AWS SDK.
  const plugin: number[] = [];
  const bare: number[] = [];
  const args = ['--region', emu.emu.state.scenario.region, 'eks', 'get-token', '--cluster-name', emu.emu.state.scenario.cluster.name, '--output', 'json'];
  for (let i = 0; i < 3; i++) {
    bare.push((await timeSpawn(NODE, ['-e', '0'], { cwd: ROOT })).ms);
    plugin.push((await timeSpawn(NODE, [join(ROOT, 'bin', 'eksdoctor-aws'), ...args], { env: emu.env, cwd: ROOT })).ms);
  }
  const [clients, identity, logsFacts] = await importCost(['facts/aws/clients.js', 'facts/aws-identity.js', 'facts/cloudwatch-logs.js']);
  details.push(
    `- The exec plugin alone (built-in \`eksdoctor-aws eks get-token\`, no network call): ${formatMs(median(plugin))}, ${formatRatio(pairedRatio(plugin, bare))} \`node -e 0\` (median of 3); ` +
      `it is a second Node process that loads the AWS SDK to presign. Importing \`facts/aws/clients.js\` (STS, EKS and CloudWatch Logs clients + credential providers) takes ${formatMs(clients!)} in a fresh process, ` +
      `then \`facts/aws-identity.js\` ${formatMs(identity!)}, \`facts/cloudwatch-logs.js\` ${formatMs(logsFacts!)}.`,
  );
  // The same graph weighted by measured durations: the chain the run actually waited on.
  const actual = criticalPath([...mid.durations].map(([id, ms]) => ({ id, predecessors: PREDECESSORS.get(id) ?? [], weight: ms })));
  details.push(
    `- Critical path of the median run: ${mid.path.path.join(' → ')} = ${formatMs(mid.path.weight)}. ` +
      `The chain it actually waited on (same graph, weighted by measured durations): ${actual.path.join(' → ')} = ${formatMs(actual.weight)}. ` +
      `Wall ${formatMs(mid.wallMs)}, of which ${formatMs(mid.wallMs - mid.reportMs)} before/after the checks (process start, module loading, rendering, exit).`,
    `- Per check (duration = round trips × ${LATENCY_MS} ms + the rest): ${excess.join('; ')}.` +
      (mid.unattributed > 0 ? ` ${mid.unattributed} call(s) fell in no check window.` : ''),
    ...(changed ? [`- Check statuses differed between runs: ${[...new Set(runs.map((r) => r.statuses))].join(' | ')}`] : []),
  );
}

// ---------------------------------------------------------------------------------------------
// 4. --all-contexts over 50 contexts vs one context

async function allContexts(emu: BenchEmulator): Promise<void> {
  log(`4/5 --all-contexts over ${CONTEXTS} contexts`);
  const help = await eksdoctor(['auth', '--help']);
  const kubeconfig = join(emu.home, '.kube', `config-${CONTEXTS}-contexts`);
  writeFileSync(kubeconfig, multiContextKubeconfig(readFileSync(emu.kubeconfigPath, 'utf8'), CONTEXTS), { mode: 0o600 });
  if (!help.stdout.includes('--all-contexts')) {
    row('4', `\`--all-contexts\` over ${CONTEXTS} contexts vs one`, 'not implemented yet', '', 0, '`auth --help` does not list --all-contexts');
    verdict(`\`--all-contexts\` over ${CONTEXTS} contexts ≤ 2× one context`, undefined, 'not implemented yet');
    return;
  }
  const one: number[] = [];
  const all: number[] = [];
  const cpuOne: number[] = [];
  const cpuAll: number[] = [];
  let reports = 0;
  let calls = new Map<string, number>();
  // CPU of the whole process tree (the CLI and its exec plugins) via /usr/bin/time -f, when present.
  const timed = existsSync('/usr/bin/time');
  const run = (args: string[]) =>
    timed ? timeSpawn('/usr/bin/time', ['-f', `${CPU_MARKER}%U+%S`, NODE, BIN, ...args], { env: emu.env, cwd: ROOT }) : eksdoctor(args, emu.env);
  for (let i = 0; i < RUNS.fleetPairs; i++) {
    const s = await run(['auth', '-o', 'json']);
    parseReport(s.stdout, 'auth (one context)');
    emu.reset();
    const f = await run(['auth', '--all-contexts', '--kubeconfig', kubeconfig, '-o', 'json']);
    reports = (JSON.parse(f.stdout) as { reports?: unknown[] }).reports?.length ?? 0;
    calls = new Map();
    for (const c of emu.calls()) calls.set(`${c.service} ${c.operation}`, (calls.get(`${c.service} ${c.operation}`) ?? 0) + 1);
    one.push(s.ms);
    all.push(f.ms);
    const [a, b] = [cpuSeconds(s.stderr), cpuSeconds(f.stderr)];
    if (a !== undefined && b !== undefined) {
      cpuOne.push(a);
      cpuAll.push(b);
    }
  }
  details.push(
    `- \`--all-contexts\` (${CONTEXTS} contexts, one run): calls ${[...calls].map(([k, n]) => `${k} ×${n}`).join(', ')}.` +
      (cpuAll.length
        ? ` CPU (user + system, CLI and exec plugins): ${median(cpuAll).toFixed(1)} s for ${CONTEXTS} contexts vs ${median(cpuOne).toFixed(1)} s for one; ` +
          `on ${availableParallelism()} cores that CPU alone needs ≥ ${formatMs((median(cpuAll) * 1000) / availableParallelism())}, ` +
          `${formatRatio((median(cpuAll) * 1000) / availableParallelism() / median(one))} one context's wall time, before any latency.`
        : ''),
  );
  const ratio = pairedRatio(all, one);
  row('4', `one context, ${LATENCY_MS} ms per call`, formatMs(median(one)), '', RUNS.fleetPairs, spreadOf(one));
  row('4', `\`--all-contexts\`, ${CONTEXTS} contexts (${reports} reports), ${LATENCY_MS} ms per call`, formatMs(median(all)), `${formatRatio(ratio)} one context`, RUNS.fleetPairs, spreadOf(all));
  verdict(`\`--all-contexts\` over ${CONTEXTS} contexts ≤ 2× one context`, ratio <= 2 && reports === CONTEXTS, `${formatRatio(ratio)}${reports === CONTEXTS ? '' : ` (only ${reports} reports for ${CONTEXTS} contexts)`}`);
}

// ---------------------------------------------------------------------------------------------
// 5. Peak RSS and calls per run

async function footprint(emu: BenchEmulator): Promise<void> {
  log('5/5 peak RSS and calls per run');
  const haveTime = existsSync('/usr/bin/time');
  const tree: number[] = [];
  const self: number[] = [];
  for (let i = 0; i < RUNS.rss; i++) {
    const args = [NODE, '--import', new URL(`file://${RSS_PROBE}`).href, BIN, 'auth', '-o', 'json'];
    const r = haveTime ? await timeSpawn('/usr/bin/time', ['-v', ...args], { env: emu.env, cwd: ROOT }) : await timeSpawn(args[0]!, args.slice(1), { env: emu.env, cwd: ROOT });
    parseReport(r.stdout, 'auth for RSS');
    const probe = new RegExp(`${RSS_MARKER}(\\d+)`).exec(r.stderr)?.[1];
    if (probe) self.push(Number(probe) / 1024);
    const max = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1];
    if (max) tree.push(Number(max) / 1024);
  }
  const mb = (x: number) => `${x.toFixed(1)} MB`;
  if (self.length) row('5', 'peak RSS, the eksdoctor process (process.resourceUsage)', mb(median(self)), '', self.length);
  if (tree.length) row('5', 'peak RSS, largest process of the run incl. exec plugin (/usr/bin/time -v)', mb(median(tree)), '', tree.length);
  const figure = tree.length ? median(tree) : self.length ? median(self) : undefined;
  verdict('peak RSS ≤ 150 MB for one context', figure === undefined ? undefined : figure <= 150, figure === undefined ? 'no measurement' : `${mb(figure)}${tree.length ? ' (/usr/bin/time -v)' : ' (process.resourceUsage)'}`);

  // Calls: one untimed run through a recording proxy (parameters), and the emulator's own journal.
  const proxy = await startRecordingProxy(emu.emu.awsUrl);
  emu.emu.state.addStsEndpoint(proxy.url); // tokens are presigned for the proxy, which forwards to the emulator's STS
  try {
    emu.reset();
    const r = await eksdoctor(['auth', '-o', 'json'], { ...emu.env, AWS_ENDPOINT_URL: proxy.url });
    const report = parseReport(r.stdout, 'auth through the proxy');
    const journal = emu.calls();
    const counts = new Map<string, number>();
    for (const c of journal) counts.set(`${c.service} ${c.operation}`, (counts.get(`${c.service} ${c.operation}`) ?? 0) + 1);
    const aws = journal.filter((c) => c.service !== 'kube').length;
    const kube = journal.length - aws;
    const repeats = repeatedCalls(proxy.calls);
    row('5', 'calls per run (classic)', `${aws} AWS + ${kube} Kubernetes`, '', 1, [...counts].map(([k, n]) => `${k}${n > 1 ? ` ×${n}` : ''}`).join(', '));
    details.push(
      `- Calls per run (verdict ${report.verdict}, root causes ${report.rootCauses.join(', ') || 'none'}): ${[...counts].map(([k, n]) => `${k} ×${n}`).join(', ')}.`,
      repeats.length === 0
        ? '- No AWS operation was repeated with the same parameters by the same signer.'
        : `- REPEATED AWS calls (same operation, parameters and signer): ${repeats.map((x) => `${x.operation} ×${x.times} (\`${x.params.slice(0, 120)}\`)`).join('; ')}.`,
    );
  } finally {
    await proxy.close();
  }
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const t0 = performance.now();
  try {
    await coldStart();
  } catch (err) {
    verdict('row 1', undefined, `failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  const builtin = await startBenchEmulator('classic', { exec: 'builtin' });
  const slow = await startBenchEmulator('classic', { exec: 'builtin', latencyMs: LATENCY_MS });
  try {
    // A row that breaks (e.g. an option being changed under us) is reported, and the others still run.
    const rows: [string, () => Promise<void>][] = [
      ['2', () => versusByHand(builtin)],
      ['3', () => latency(slow)],
      ['4', () => allContexts(slow)],
      ['5', () => footprint(builtin)],
    ];
    for (const [n, measure] of rows) {
      try {
        await measure();
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        row(n, 'row failed', 'error', '', 0, message.replace(/\|/g, '\\|').replace(/\n/g, ' ').slice(0, 300));
        verdict(`row ${n}`, undefined, `failed: ${message.split('\n')[0]}`);
      }
    }
  } finally {
    await Promise.all([builtin.close(), slow.close()]);
  }
  const took = performance.now() - t0;
  const out = [
    `## eksdoctor benchmark (SPEC §6)`,
    '',
    `${new Date().toISOString()} · Node ${process.version} · ${process.platform}/${process.arch} · bench took ${formatMs(took)}`,
    '',
    ...table,
    '',
    '### Where the time goes',
    '',
    ...details,
    '',
    '### Targets',
    '',
    ...verdicts,
    '',
  ].join('\n');
  process.stdout.write(out);
  mkdirSync(join(ROOT, '.bench'), { recursive: true });
  writeFileSync(join(ROOT, '.bench', 'last.md'), out);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
