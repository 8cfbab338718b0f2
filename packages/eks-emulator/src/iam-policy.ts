/**
 * IAM identity-based policy evaluation for the principals a test puts under `enforcePolicy` (issue
 * "Ship it": the least-privilege policy `eksdoctor policy` prints must be enough). Follows the IAM
 * User Guide's policy grammar and evaluation logic (reference_policies_grammar.html,
 * reference_policies_evaluation-logic.html): an explicit Deny wins, then an Allow, else an implicit
 * deny. `Action` matching is case-insensitive with `*`/`?` wildcards; `Resource` ARNs match segment by
 * segment, case-sensitively, with `*`/`?` wildcards (the resource segment may span `:` and `/`).
 * Conditions are not evaluated, so a policy with one is refused rather than half-applied.
 */
import type { IamPolicyDocument, IamPolicyStatement } from './scenario.js';

export type PolicyDecision = 'allow' | 'explicit-deny' | 'implicit-deny';

export interface ParsedStatement {
  effect: 'Allow' | 'Deny';
  actions: { not: boolean; patterns: string[] };
  resources: { not: boolean; patterns: string[] };
}

export type ParsedPolicy = { ok: true; statements: ParsedStatement[] } | { ok: false; problem: string };

const VERSIONS = ['2012-10-17', '2008-10-17'];

function list(v: unknown): string[] | undefined {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string')) return v as string[];
  return undefined;
}

/** Either `X` or `NotX`, never both (IAM grammar: action_block, resource_block). */
function block(s: Record<string, unknown>, key: 'Action' | 'Resource', at: string): ParsedStatement['actions'] | string {
  const notKey = `Not${key}`;
  if (s[key] !== undefined && s[notKey] !== undefined) return `${at}: ${key} and ${notKey} together`;
  const raw = s[key] ?? s[notKey];
  if (raw === undefined) return `${at}: needs ${key} or ${notKey}`;
  const patterns = list(raw);
  if (!patterns) return `${at}.${s[key] !== undefined ? key : notKey}: a string or a non-empty list of strings`;
  if (key === 'Action' && patterns.some((p) => p !== '*' && !/^[A-Za-z0-9-]+:[A-Za-z0-9*?]+$/.test(p))) {
    return `${at}.${key}: actions look like service:Operation (wildcards * and ?)`;
  }
  return { not: s[notKey] !== undefined, patterns };
}

/** Parses a policy document, or says why the emulator refuses it. */
export function parsePolicy(doc: unknown): ParsedPolicy {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return { ok: false, problem: 'a policy document is a JSON object' };
  const d = doc as Record<string, unknown>;
  if (d.Version !== undefined && !VERSIONS.includes(String(d.Version))) return { ok: false, problem: `Version: ${VERSIONS.join(' or ')}` };
  const raw = Array.isArray(d.Statement) ? d.Statement : d.Statement === undefined ? undefined : [d.Statement];
  if (!raw || raw.length === 0) return { ok: false, problem: 'Statement: required' };
  const statements: ParsedStatement[] = [];
  for (const [i, st] of raw.entries()) {
    const at = `Statement[${i}]`;
    if (typeof st !== 'object' || st === null || Array.isArray(st)) return { ok: false, problem: `${at}: an object` };
    const s = st as Record<string, unknown>;
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny') return { ok: false, problem: `${at}.Effect: Allow or Deny` };
    if (s.Condition !== undefined) return { ok: false, problem: `${at}.Condition: conditions are not supported by the emulator's policy evaluator` };
    if (s.Principal !== undefined || s.NotPrincipal !== undefined) return { ok: false, problem: `${at}: Principal belongs in resource-based policies, not identity-based ones` };
    const actions = block(s, 'Action', at);
    if (typeof actions === 'string') return { ok: false, problem: actions };
    const resources = block(s, 'Resource', at);
    if (typeof resources === 'string') return { ok: false, problem: resources };
    statements.push({ effect: s.Effect, actions, resources });
  }
  return { ok: true, statements };
}

/** Why `doc` cannot be enforced, or undefined when it can (scenario validation). */
export function policyProblem(doc: unknown): string | undefined {
  const parsed = parsePolicy(doc);
  return parsed.ok ? undefined : parsed.problem;
}

function globToRegExp(pattern: string, flags: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, flags);
}

/** `eks:Describe*` matches `eks:DescribeCluster`; service prefix and name are case-insensitive in IAM. */
export function actionMatches(pattern: string, action: string): boolean {
  return pattern === '*' || globToRegExp(pattern, 'i').test(action);
}

/** ARN patterns match per segment (partition, service, region, account); the resource part may hold `:` and `/`. */
export function resourceMatches(pattern: string, resource: string): boolean {
  if (pattern === '*') return true;
  const p = pattern.split(':');
  const r = resource.split(':');
  if (p.length < 6 || r.length < 6) return pattern === resource;
  for (let i = 0; i < 5; i++) if (!globToRegExp(p[i]!, '').test(r[i]!)) return false;
  return globToRegExp(p.slice(5).join(':'), '').test(r.slice(5).join(':'));
}

function statementApplies(s: ParsedStatement, action: string, resource: string): boolean {
  const actionHit = s.actions.patterns.some((p) => actionMatches(p, action));
  const resourceHit = s.resources.patterns.some((p) => resourceMatches(p, resource));
  return (s.actions.not ? !actionHit : actionHit) && (s.resources.not ? !resourceHit : resourceHit);
}

/** Explicit deny > allow > implicit deny (IAM evaluation logic, identity-based policies only). */
export function evaluatePolicy(statements: readonly ParsedStatement[], action: string, resource: string): PolicyDecision {
  const applicable = statements.filter((s) => statementApplies(s, action, resource));
  if (applicable.some((s) => s.effect === 'Deny')) return 'explicit-deny';
  return applicable.some((s) => s.effect === 'Allow') ? 'allow' : 'implicit-deny';
}

export type { IamPolicyDocument, IamPolicyStatement };
