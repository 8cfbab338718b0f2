/** The three `data` keys the authenticator reads; anything else in the ConfigMap is ignored by it. */
export type AwsAuthSection = 'mapRoles' | 'mapUsers' | 'mapAccounts';
export const AWS_AUTH_SECTIONS: readonly AwsAuthSection[] = ['mapRoles', 'mapUsers', 'mapAccounts'];

export interface AwsAuthMapping {
  section: 'mapRoles' | 'mapUsers';
  /** The `rolearn` / `userarn` exactly as written. */
  arn: string;
  /** Username template as written; absent when the entry has none. */
  username?: string;
  /** Group templates as written. */
  groups: string[];
  /** Line of the entry's `rolearn`/`userarn` key: in the file when the source gave offsets, else within the section. */
  line?: number;
}

/** Where a problem of one mapping is, and the mapping as written. */
export interface MappingAt {
  file?: string;
  section: 'mapRoles' | 'mapUsers';
  line?: number;
  arn: string;
  username?: string;
  groups: string[];
}

/** `no-instance-session`: {{EC2PrivateDNSName}} for a role session not named after an instance; the authenticator denies that principal. */
export type TemplateProblemReason = 'unknown-placeholder' | 'unclosed-braces' | 'no-session-for-users' | 'ec2-dns-for-users' | 'no-instance-session';

/** Every pitfall the authenticator's parser and matcher have (SPEC §5, §9), as data; checks name the rule. */
export type AwsAuthProblem =
  | { kind: 'invalid-yaml'; file?: string; section?: AwsAuthSection | 'data'; line?: number; reason: string; dropped?: 'section' | 'entry'; entry?: number; arn?: string }
  | { kind: 'unknown-key'; file?: string; section: AwsAuthSection | 'data'; key: string; suggestedKey?: string; line?: number; entry?: number }
  /** `suggestedArn`: for an instance profile, the role of the same name (how the EC2 console and eksctl create them). */
  | (MappingAt & { kind: 'invalid-arn'; reason: 'wildcard' | 'malformed' | 'partition' | 'not-a-principal'; partition?: string; suggestedArn?: string })
  | (MappingAt & { kind: 'role-arn-has-path'; suggestedArn: string; path: string; sso: boolean })
  | (MappingAt & { kind: 'assumed-role-arn'; suggestedArn: string; sessionName?: string })
  | (MappingAt & { kind: 'role-in-map-users'; suggestedArn: string })
  | (MappingAt & { kind: 'user-in-map-roles' })
  | (MappingAt & {
      kind: 'invalid-username-template';
      field: 'username' | 'groups';
      template: string;
      placeholder: string;
      reason: TemplateProblemReason;
      suggestedTemplate?: string;
    })
  | {
      kind: 'duplicate-entry';
      file?: string;
      arn: string;
      section: 'mapRoles' | 'mapUsers';
      line?: number;
      count: number;
      lines: number[];
      effectiveUsername?: string;
      effectiveGroups: string[];
      identical: boolean;
      /** Case variants of one user ARN: which one the authenticator uses is not predictable. */
      nondeterministic: boolean;
    };

export type AwsAuthProblemKind = AwsAuthProblem['kind'];
export type AwsAuthProblemOf<K extends AwsAuthProblemKind> = Omit<Extract<AwsAuthProblem, { kind: K }>, 'kind'>;

export interface AwsAuthConfig {
  /** Every `mapRoles` entry the authenticator keeps, in order (duplicates included; the last one wins). */
  roles: AwsAuthMapping[];
  users: AwsAuthMapping[];
  accounts: string[];
  /** Parse problems and lint findings, each with `section`, `line` and `file` where known. */
  problems: AwsAuthProblem[];
}

export interface AwsAuthSource {
  file?: string;
  /** File line = offset + line within the section (1-based): the line of `mapRoles: |` for a literal block. */
  lineOffsets?: Partial<Record<AwsAuthSection, number>>;
  /** File line of each `data` key, used for section-level problems and when a section has no offset. */
  keyLines?: Record<string, number>;
}

/** Builds a problem, dropping undefined fields so evidence serialises the same way every time. */
export function awsAuthProblem<K extends AwsAuthProblemKind>(kind: K, fields: AwsAuthProblemOf<K>): Extract<AwsAuthProblem, { kind: K }> {
  const out: Record<string, unknown> = { kind };
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) out[k] = v;
  return out as Extract<AwsAuthProblem, { kind: K }>;
}
