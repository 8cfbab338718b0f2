/**
 * aws-iam-authenticator pkg/arn/arnlike.go ArnLike: IAM's ArnLike condition operator, section by
 * section (`arn:partition:service:region:account:resource`), `*` and `?` as wildcards, every other
 * character literal, each section matched whole.
 */

/** arnlike.go parse: the `arn:` prefix and exactly six sections (the resource keeps its colons). */
function sections(input: string): string[] | undefined {
  if (!input.startsWith('arn:')) return undefined;
  const parts = input.split(':');
  if (parts.length < 6) return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

/** arnlike.go quoteMeta: `*` → `.*`, `?` → `.?`, the regexp metacharacters escaped, anchored. */
function sectionPattern(section: string): RegExp {
  const body = section.replace(/[\\.+()|[\]{}^$*?]/g, (c) => (c === '*' ? '.*' : c === '?' ? '.?' : `\\${c}`));
  return new RegExp(`^${body}$`);
}

/** true when `arn` is matched by `pattern`; an error when either does not parse as an ARN. */
export function arnLike(arn: string, pattern: string): { ok: true; matches: boolean } | { ok: false; error: string } {
  const a = sections(arn);
  if (!a) return { ok: false, error: `could not parse input arn: ${arn.startsWith('arn:') ? 'not enough sections' : 'invalid prefix'}` };
  const p = sections(pattern);
  if (!p) return { ok: false, error: `could not parse ArnLike string: ${pattern.startsWith('arn:') ? 'not enough sections' : 'invalid prefix'}` };
  return { ok: true, matches: a.every((s, i) => sectionPattern(p[i]!).test(s)) };
}
