import type { Finding } from '../../engine/types.js';

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

export interface AwsAuthConfig {
  /** Every `mapRoles` entry the authenticator keeps, in order (duplicates included; the last one wins). */
  roles: AwsAuthMapping[];
  users: AwsAuthMapping[];
  accounts: string[];
  /** Parse problems and lint findings (`aws-auth/*` rules), each with `section`, `line` and `file` where known. */
  problems: Finding[];
}

export interface AwsAuthSource {
  file?: string;
  /** File line = offset + line within the section (1-based): the line of `mapRoles: |` for a literal block. */
  lineOffsets?: Partial<Record<AwsAuthSection, number>>;
  /** File line of each `data` key, used for section-level problems and when a section has no offset. */
  keyLines?: Record<string, number>;
}
