/**
 * SPEC §1/§7 "read-only": every scenario, the real `auth` (the built CLI, the scenario sweep's one run per
 * scenario: test/helpers/sweep.ts) against an emulator that records each request. Nothing mutates; the only Kubernetes writes are the three non-persisting
 * self reviews; and SPEC §6 "each AWS call at most once": no AWS operation is invoked twice with the
 * same parameters and credentials in one run (SDK retries of one invocation are not second calls).
 */
import { AWS_OPERATIONS } from '../../src/facts/aws/actions.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../../packages/eks-emulator/src/state.js';
import { STACK_FRAME, type ProxiedCall } from '../helpers/emulator.js';
import { proxiedCalls, scenarioSweep, sweepEntries, SWEEP_WAIT_MS, type ScenarioRecording } from '../helpers/sweep.js';

/**
 * The reads eksdoctor may make: the Read and List rows of the table `eksdoctor policy` is generated from
 * (src/facts/aws/actions.ts), plus sts:AssumeRole, the exec plugin's --role-arn step that kubectl's plugin
 * makes too and which changes nothing.
 */
const ALLOWED_AWS = new Set([...AWS_OPERATIONS.filter((o) => o.accessLevel === 'Read' || o.accessLevel === 'List').map((o) => `${o.service} ${o.operation}`), 'sts AssumeRole']);
/** SPEC §1: the only Kubernetes writes allowed, none of which persists. */
const REVIEWS = new Set(['create selfsubjectreviews', 'create selfsubjectaccessreviews', 'create selfsubjectrulesreviews']);
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** What makes two AWS calls "the same call": operation, credentials, how signed, and every parameter. */
function callKey(c: ProxiedCall): string {
  const query = [...c.query.entries()].filter(([k]) => !/^X-Amz-(Signature|Date|Expires|SignedHeaders|Algorithm|Security-Token)$/i.test(k)).sort();
  let body = c.body;
  try {
    body = JSON.stringify(sortKeys(JSON.parse(c.body)));
  } catch {
    body = [...new URLSearchParams(c.body).entries()].sort().map(([k, v]) => `${k}=${v}`).join('&');
  }
  return `${c.service} ${c.operation} [${c.signing} ${c.accessKeyId}] ${c.method} ${c.path}?${new URLSearchParams(query)} ${body}`;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, sortKeys(x)]));
  return v;
}

interface ScenarioRecord {
  scenario: string;
  exit: number | null;
  ms: number;
  requests: RecordedRequest[];
  calls: ProxiedCall[];
  /** How many times eksdoctor ran the exec plugin. */
  pluginRuns: number;
}

const records: ScenarioRecord[] = [];

afterAll(() => {
  const all = records.flatMap((r) => r.requests);
  const byOp = new Map<string, number>();
  for (const q of all) byOp.set(`${q.service} ${q.operation}`, (byOp.get(`${q.service} ${q.operation}`) ?? 0) + 1);
  const retries = records.flatMap((r) => r.calls).filter((c) => c.attempt > 1).length;
  const pluginCalls = records.flatMap((r) => r.calls).filter((c) => c.byPlugin).length;
  const pluginRuns = records.map((r) => r.pluginRuns);
  const stsIdentity = records.map((r) => r.calls.filter((c) => c.operation === 'GetCallerIdentity' && !c.byPlugin && c.attempt === 1));
  console.log(
    `read-only: ${records.length} scenarios, ${all.length} requests recorded (${all.filter((q) => q.service !== 'kube').length} AWS, ` +
      `${all.filter((q) => q.service === 'kube').length} Kubernetes), ${all.filter((q) => q.mutating).length} mutating, ` +
      `${all.filter((q) => q.service === 'kube' && !READ_METHODS.has(q.method)).length} Kubernetes writes (all self reviews), ${retries} SDK retries, ${pluginCalls} AWS calls by the exec plugin; ` +
      `exec plugin runs per scenario: max ${Math.max(...pluginRuns)}, total ${pluginRuns.reduce((a, b) => a + b, 0)}; ` +
      `GetCallerIdentity per run: max ${Math.max(...stsIdentity.map((x) => x.length))} ` +
      `(${stsIdentity.filter((x) => x.length === 2).length} runs with 2: one SDK-signed call for the shell's credentials and one presigned replay of kubectl's token)`,
  );
  console.log(`read-only: calls per service/operation: ${[...byOp].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k}=${n}`).join(', ')}`);
});

/** Every scenario, and the one where AssumeRole is granted. */
const SCENARIOS = sweepEntries().map((e) => e.label);

let sweep: Map<string, ScenarioRecording>;
beforeAll(async () => {
  sweep = await scenarioSweep();
}, SWEEP_WAIT_MS + 10_000);

function record(name: string): ScenarioRecord {
  const r = sweep.get(name);
  expect(r, `${name}: recorded by the sweep`).toBeDefined();
  expect(r!.harnessError).toBeUndefined();
  expect(r!.code, `${name}: exit code (stderr: ${r!.stderr.slice(0, 300)})`).not.toBe(3);
  expect(r!.signal, `${name}: not killed`).toBeNull();
  expect(r!.stderr).not.toMatch(STACK_FRAME);
  const rec = { scenario: name, exit: r!.code, ms: r!.ms, requests: r!.requests, calls: proxiedCalls(r!), pluginRuns: r!.pluginRuns };
  records.push(rec);
  return rec;
}

/**
 * Known bugs (kept failing on purpose until src is fixed; then drop the entry). None at present: stale-endpoint
 * used to describe the cluster twice (by name, then again in findClusterByEndpoint); it now shares the first answer.
 */
const KNOWN_BUGS: Record<string, string> = {};

function assertReadOnly(name: string): void {
    const { requests, calls } = record(name);
    expect(requests.length, 'the emulator recorded the run').toBeGreaterThan(0);

    // 1. Nothing the emulator classifies as mutating.
    expect(requests.filter((q) => q.mutating)).toEqual([]);
    // 2. Every Kubernetes write is one of the three self reviews.
    const kubeWrites = requests.filter((q) => q.service === 'kube' && !READ_METHODS.has(q.method));
    expect(kubeWrites.filter((q) => !REVIEWS.has(q.operation) || q.method !== 'POST').map((q) => `${q.method} ${q.path}`)).toEqual([]);
    // 3. Every AWS operation is a known read (or the Logs Insights query / STS).
    expect(requests.filter((q) => q.service !== 'kube' && !ALLOWED_AWS.has(`${q.service} ${q.operation}`)).map((q) => `${q.service} ${q.operation}`)).toEqual([]);

    // 4. Every AWS request went through the recording proxy (so the duplicate check below sees them all).
    expect(calls.length).toBe(requests.filter((q) => q.service !== 'kube').length);

    // 5. SPEC §6: one invocation per (operation, credentials, parameters) by eksdoctor itself. Retries
    // share the SDK's invocation ID; GetQueryResults is polled with the same query ID until the query
    // completes; the exec plugin's own calls (its AssumeRole for --role-arn) are the plugin's, made once
    // per plugin run, and kubectl would make them too.
    const invocations = new Map<string, Set<string>>();
    calls.forEach((c, i) => {
      if (c.operation === 'GetQueryResults' || c.byPlugin) return;
      const key = callKey(c);
      const set = invocations.get(key) ?? new Set<string>();
      set.add(c.invocationId ?? `no-invocation-id-${i}`);
      invocations.set(key, set);
    });
    const repeated = [...invocations].filter(([, ids]) => ids.size > 1).map(([key, ids]) => `${ids.size}× ${key.slice(0, 200)}`);
    expect(repeated).toEqual([]);
}

describe('auth is read-only and makes each AWS call at most once (SPEC §1, §6, §7)', () => {
  it.each(SCENARIOS.filter((n) => !KNOWN_BUGS[n]))('%s', (name) => assertReadOnly(name));
  for (const name of SCENARIOS.filter((n) => KNOWN_BUGS[n])) {
    // BUG (see KNOWN_BUGS): fails until src is fixed.
    it.fails(`${name} (known bug: ${KNOWN_BUGS[name]})`, () => assertReadOnly(name));
  }
});
