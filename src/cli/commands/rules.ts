import { findRule, RULES } from '../../rules/index.js';
import type { CatalogRule } from '../../rules/index.js';
import { UsageError } from '../../shared/errors.js';
import { plainFixLines } from '../../report/render/fix.js';

/** `eksdoctor rules --output json` (SPEC §4). */
export function catalogJson(): string {
  const rules = RULES.map((r) => ({ id: r.id, severity: r.severity, title: r.title, explain: r.explain, docs: r.docs, rootCause: r.rootCause }));
  return `${JSON.stringify({ schemaVersion: 1, rules }, null, 2)}\n`;
}

export function catalogText(): string {
  const width = Math.max(...RULES.map((r) => r.id.length));
  return `${RULES.map((r) => `${r.id.padEnd(width)}  ${r.severity.padEnd(7)}  ${r.title}`).join('\n')}\n`;
}

export function rulesCommand(flags: { output: string }): number {
  if (flags.output !== 'text' && flags.output !== 'json') throw new UsageError(`--output must be text or json (got "${flags.output}")`);
  process.stdout.write(flags.output === 'json' ? catalogJson() : catalogText());
  return 0;
}

export function explainText(rule: CatalogRule): string {
  const lines = [
    `${rule.id}  [${rule.severity}${rule.rootCause ? ', cause' : ', symptom or fact'}]`,
    rule.title,
    '',
    rule.explain,
    ...(rule.explains?.length ? ['', `Explains: ${rule.explains.join(', ')}`] : []),
    ...fixTemplate(rule),
    '',
    'Docs:',
    ...rule.docs.map((d) => `  ${d}`),
  ];
  return `${lines.join('\n')}\n`;
}

export function explainCommand(id: string): number {
  const rule = findRule(id);
  if (!rule) {
    const near = RULES.filter((r) => r.id.includes(id) || id.includes(r.id.split('/')[1]!)).map((r) => r.id);
    throw new UsageError(`unknown rule "${id}"${near.length ? ` (did you mean ${near.slice(0, 3).join(', ')}?)` : ''}; list them with: eksdoctor rules`);
  }
  process.stdout.write(explainText(rule));
  return 0;
}

/** The rule applied to its example evidence: what a real run prints, with made-up names and ARNs. */
function fixTemplate(rule: CatalogRule): string[] {
  const target = { kubeconfig: ['/home/alice/.kube/config'], context: 'prod', cluster: 'prod', region: 'us-west-2', accountId: '111122223333' };
  const fix = rule.fix?.(rule.example, target);
  return [
    '',
    `Example: ${rule.message(rule.example, target)}`,
    ...(fix ? [`Fix: ${fix.summary}`, ...plainFixLines(fix)] : []),
  ];
}
