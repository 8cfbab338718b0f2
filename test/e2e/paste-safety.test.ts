/**
 * Issue 13 §3 "paste-safe": every command of every fix in every scenario's report (the scenario sweep's
 * one run per scenario: test/helpers/sweep.ts) is one complete shell command a person can paste. `bash -n`
 * parses it, and a small lexer (POSIX quoting: single quotes literal, double quotes expand `$`) rejects
 * anything that is not one plain command: redirection, pipes, `;`, `&`/`&&`, command substitution,
 * backticks, globs, tilde, comments, history `!`. The only expansion allowed is `"$NAME"` for a
 * placeholder the fix lists, and every listed placeholder is used. `aws` commands name their region and
 * cluster; one problem gets one command set (symptoms point at their cause; no two fixes write the same
 * thing differently).
 */
import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Fix } from '../../src/rules/rule.js';
import type { Report, ReportFinding } from '../../src/report/model.js';
import { shellWords } from '../helpers/shell-words.js';
import { recordedReport, scenarioSweep, sweepEntries, SWEEP_WAIT_MS, type ScenarioRecording } from '../helpers/sweep.js';

/** `aws eks` subcommands and the flag that names their cluster (AWS CLI reference). */
const CLUSTER_FLAG: Record<string, string> = {
  'describe-cluster': '--name',
  'update-kubeconfig': '--name',
  'update-cluster-config': '--name',
  'delete-cluster': '--name',
  'describe-update': '--name',
  'create-access-entry': '--cluster-name',
  'delete-access-entry': '--cluster-name',
  'describe-access-entry': '--cluster-name',
  'update-access-entry': '--cluster-name',
  'list-access-entries': '--cluster-name',
  'associate-access-policy': '--cluster-name',
  'disassociate-access-policy': '--cluster-name',
  'list-associated-access-policies': '--cluster-name',
  'get-token': '--cluster-name',
};
/** Services whose calls go to one region: the command must say which. */
const REGIONAL = new Set(['eks', 'logs', 'cloudtrail']);

/** What each problem in the command set writes: two fixes that write one thing must be the same fix. */
function writes(commands: string[]): string[] {
  const out: string[] = [];
  for (const c of commands) {
    if (/^kubectl (patch|edit|create) configmap aws-auth\b/.test(c)) out.push('aws-auth');
    const entry = /^aws eks (create-access-entry|associate-access-policy|delete-access-entry|disassociate-access-policy) .*--principal-arn (\S+)/.exec(c);
    if (entry) out.push(`access-entry ${entry[2]}`);
    const binding = /^kubectl create (cluster)?rolebinding (\S+)/.exec(c);
    if (binding) out.push(`binding ${binding[2]}`);
  }
  return out;
}

function problems(f: ReportFinding, fix: Fix): string[] {
  const out: string[] = [];
  const placeholders = Object.keys(fix.placeholders ?? {});
  const used = new Set<string>();
  for (const command of fix.commands) {
    const read = shellWords(command);
    if ('error' in read) {
      out.push(`${f.rule}: ${read.error}\n    ${command}`);
      continue;
    }
    for (const name of read.expansions) {
      used.add(name);
      if (!placeholders.includes(name)) out.push(`${f.rule}: "$${name}" is not listed under placeholders\n    ${command}`);
    }
    try {
      execFileSync('bash', ['-n', '-c', command], { stdio: 'pipe', timeout: 10_000 });
    } catch (e) {
      out.push(`${f.rule}: bash -n: ${String((e as { stderr?: Buffer }).stderr ?? e)}\n    ${command}`);
    }
    const [tool, service, sub] = read.words;
    if (tool === 'aws' && service && REGIONAL.has(service) && !read.words.includes('--region')) out.push(`${f.rule}: aws ${service} ${sub} without --region\n    ${command}`);
    const flag = tool === 'aws' && service === 'eks' && sub ? CLUSTER_FLAG[sub] : undefined;
    if (flag && !read.words.includes(flag)) out.push(`${f.rule}: aws eks ${sub} without ${flag}\n    ${command}`);
  }
  // A placeholder may also stand in the lines an editor opens (kubectl edit), written bare there.
  for (const line of fix.insert?.lines ?? []) for (const name of placeholders) if (new RegExp(`\\b${name}\\b`).test(line)) used.add(name);
  for (const name of placeholders) if (!used.has(name)) out.push(`${f.rule}: placeholder ${name} is listed but not used`);
  return out;
}

/** Every problem of one report's fixes; the alternative (eksctl) must be paste-safe too. */
export function pasteSafetyProblems(report: Report): string[] {
  const out: string[] = [];
  const withCommands = report.findings.filter((f) => f.fix && f.fix.commands.length > 0);
  for (const f of withCommands) {
    out.push(...problems(f, f.fix!));
    if (f.fix!.alternative) out.push(...problems(f, { ...f.fix!.alternative, placeholders: f.fix!.placeholders, insert: undefined }).filter((p) => !p.includes('is listed but not used')));
  }
  // One problem, one command set: a symptom its present cause explains carries no commands of its own…
  const causes = report.findings.filter((f) => f.rootCause);
  for (const f of withCommands) {
    const cause = causes.find((c) => c !== f && c.explains?.includes(f.rule));
    if (cause) out.push(`${f.rule}: has commands of its own, but ${cause.rule} is its root cause`);
  }
  // …and no two findings write the same thing with different commands.
  const seen = new Map<string, ReportFinding>();
  for (const f of withCommands) {
    for (const w of writes(f.fix!.commands)) {
      const other = seen.get(w);
      if (other && JSON.stringify(other.fix!.commands) !== JSON.stringify(f.fix!.commands)) out.push(`${other.rule} and ${f.rule}: two different fixes write ${w}`);
      seen.set(w, f);
    }
  }
  return out;
}

describe('the lexer', () => {
  it.each([
    ['aws eks update-kubeconfig --name prod --region us-west-2 --profile "$ADMIN_PROFILE"', ['ADMIN_PROFILE']],
    [`kubectl patch configmap aws-auth -n kube-system --type merge -p '{"data":{"mapRoles":"- rolearn: x\\n"}}'`, []],
    ["eksctl create iamidentitymapping --username 'a:{{SessionName}}'", []],
  ])('accepts %s', (command, expansions) => {
    expect(shellWords(command)).toMatchObject({ expansions });
  });
  it.each([
    'kubectl create clusterrolebinding x --group <kubernetes-group>',
    'aws eks update-cluster-config --resources-vpc-config "publicAccessCidrs=$(curl -s https://checkip.amazonaws.com)/32"',
    'curl -o x.zip https://x && unzip x.zip',
    'ROLE_ARN=$(aws iam get-role --role-name x)',
    'aws eks get-token; echo',
    'kubectl get pods | head',
    'kubectl get pods -l app=*',
    'cat ~/.aws/config',
    'aws iam get-role --role-name "$ROLE x"',
    'aws iam get-role --role-name $ROLE',
    'echo "hi!"',
  ])('rejects %s', (command) => {
    expect(shellWords(command)).toHaveProperty('error');
  });
});

const LABELS = sweepEntries().map((e) => e.label);
let sweep: Map<string, ScenarioRecording>;
beforeAll(async () => {
  sweep = await scenarioSweep();
}, SWEEP_WAIT_MS + 10_000);

describe('every fix of every scenario is paste-safe (issue 13 §3)', () => {
  it.each(LABELS)('%s', (label) => {
    const r = sweep.get(label);
    expect(r, `${label}: recorded by the sweep`).toBeDefined();
    const read = recordedReport(r!);
    expect(read.error).toBeUndefined();
    expect(pasteSafetyProblems(read.report!)).toEqual([]);
  });
});
