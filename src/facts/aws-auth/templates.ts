/**
 * Username and group templates of aws-auth, as aws-iam-authenticator pkg/server/server.go renderTemplate
 * renders them: the same five placeholders in usernames and groups of both sections, nothing else.
 */

export const TEMPLATE_PLACEHOLDERS = ['AccountID', 'SessionName', 'SessionNameRaw', 'AccessKeyID', 'EC2PrivateDNSName'] as const;
export type TemplatePlaceholder = (typeof TEMPLATE_PLACEHOLDERS)[number];

/** pkg/server/server.go instanceIDPattern: {{EC2PrivateDNSName}} needs a session named after an instance. */
export const INSTANCE_ID_PATTERN = /^i-(\w{8}|\w{17})$/;

export type TemplateProblemReason = 'unknown-placeholder' | 'unclosed-braces' | 'no-session-for-users' | 'ec2-dns-for-users';

export interface TemplateProblem {
  /** The offending text, e.g. `{{accountid}}` or `{{SessionName}}`. */
  placeholder: string;
  reason: TemplateProblemReason;
  /** The placeholder the author most likely meant, for unknown ones that differ only in case or spaces. */
  suggestion?: string;
}

const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;

/** What is wrong with one username or group template in the given section; empty when it is fine. */
export function templateProblems(template: string, section: 'mapRoles' | 'mapUsers'): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  for (const m of template.matchAll(PLACEHOLDER)) {
    const name = m[1]!;
    if ((TEMPLATE_PLACEHOLDERS as readonly string[]).includes(name)) {
      // An IAM user has no session: the STS user ID has no `:session` part (pkg/token: SessionName is empty).
      if (section === 'mapUsers' && (name === 'SessionName' || name === 'SessionNameRaw')) problems.push({ placeholder: m[0], reason: 'no-session-for-users' });
      if (section === 'mapUsers' && name === 'EC2PrivateDNSName') problems.push({ placeholder: m[0], reason: 'ec2-dns-for-users' });
      continue;
    }
    const wanted = TEMPLATE_PLACEHOLDERS.find((p) => p.toLowerCase() === name.replace(/\s+/g, '').toLowerCase());
    problems.push({ placeholder: m[0], reason: 'unknown-placeholder', ...(wanted ? { suggestion: `{{${wanted}}}` } : {}) });
  }
  const rest = template.replace(PLACEHOLDER, '');
  if (rest.includes('{{') || rest.includes('}}')) problems.push({ placeholder: rest.includes('{{') ? '{{' : '}}', reason: 'unclosed-braces' });
  return problems;
}

/** The template with each unknown placeholder replaced by the one it most likely meant, when all have a match. */
export function correctedTemplate(template: string, problems: TemplateProblem[]): string | undefined {
  const fixable = problems.filter((p) => p.reason === 'unknown-placeholder');
  if (fixable.length === 0 || fixable.some((p) => !p.suggestion) || problems.some((p) => p.reason === 'unclosed-braces')) return undefined;
  let out = template;
  for (const p of fixable) out = out.split(p.placeholder).join(p.suggestion!);
  return out;
}

export interface TemplateValues {
  accountId: string;
  /** Raw session name (the part after `:` of the STS user ID); empty for IAM users. */
  sessionName: string;
  /** Undefined when not known (e.g. `--principal`): the placeholder stays as written. */
  accessKeyId?: string;
  /** Undefined when not known: EKS looks it up with ec2:DescribeInstances; the placeholder stays as written. */
  ec2PrivateDnsName?: string;
}

export interface RenderedTemplate {
  value: string;
  /** Set when the authenticator would fail to render it, which denies access. */
  error?: string;
  /** Placeholders left as written because their value is not known here. */
  unresolved: TemplatePlaceholder[];
}

/** Renders one template in the authenticator's order (EC2PrivateDNSName, AccountID, SessionName, SessionNameRaw, AccessKeyID). */
export function renderTemplate(template: string, v: TemplateValues): RenderedTemplate {
  const unresolved: TemplatePlaceholder[] = [];
  let out = template;
  if (out.includes('{{EC2PrivateDNSName}}')) {
    if (!INSTANCE_ID_PATTERN.test(v.sessionName)) return { value: template, error: 'SessionName did not contain an instance id', unresolved };
    if (v.ec2PrivateDnsName !== undefined) out = out.split('{{EC2PrivateDNSName}}').join(v.ec2PrivateDnsName);
    else unresolved.push('EC2PrivateDNSName');
  }
  out = out.split('{{AccountID}}').join(v.accountId);
  // "usernames and groups must be a DNS-1123 hostname": the authenticator turns `@` into `-` here only.
  out = out.split('{{SessionName}}').join(v.sessionName.replace(/@/g, '-'));
  out = out.split('{{SessionNameRaw}}').join(v.sessionName);
  if (out.includes('{{AccessKeyID}}')) {
    if (v.accessKeyId !== undefined) out = out.split('{{AccessKeyID}}').join(v.accessKeyId);
    else unresolved.push('AccessKeyID');
  }
  return { value: out, unresolved };
}
