import { homedir } from 'node:os';
import { join } from 'node:path';
import { loadSharedConfigFiles } from '@smithy/core/config';

export interface AwsProfiles {
  configFile: string;
  credentialsFile: string;
  names: string[];
}

/** The profile names in the shared config and credentials files, parsed by the SDK's own loader. */
export async function listAwsProfiles(env: NodeJS.ProcessEnv): Promise<AwsProfiles> {
  const home = env.HOME || homedir();
  const configFile = env.AWS_CONFIG_FILE || join(home, '.aws', 'config');
  const credentialsFile = env.AWS_SHARED_CREDENTIALS_FILE || join(home, '.aws', 'credentials');
  const files = await loadSharedConfigFiles({ configFilepath: configFile, filepath: credentialsFile, ignoreCache: true });
  // The loader keys [sso-session x] and [services x] sections as 'sso-session.x' / 'services.x': not profiles.
  const names = [...new Set([...Object.keys(files.configFile ?? {}), ...Object.keys(files.credentialsFile ?? {})])]
    .filter((n) => !/^(sso-session|services)\./.test(n))
    .sort();
  return { configFile, credentialsFile, names };
}

/** What a profile resolves to without calling anyone: an assumed role, an SSO permission set, or a long-term key. */
export interface ProfilePrincipal {
  name: string;
  /** `role_arn` (with `source_profile` or `credential_source`). */
  roleArn?: string;
  /** `sso_account_id` + `sso_role_name`: the role `AWSReservedSSO_<role>_<hash>` of that account. */
  sso?: { accountId: string; roleName: string };
  /** `aws_access_key_id` (an identifier, not a secret). */
  accessKeyId?: string;
}

/** Every profile's principal as far as its files say, for "your profile X is that user" (SPEC §10). Never throws. */
export async function readProfilePrincipals(env: NodeJS.ProcessEnv): Promise<ProfilePrincipal[]> {
  const home = env.HOME || homedir();
  try {
    const files = await loadSharedConfigFiles({
      configFilepath: env.AWS_CONFIG_FILE || join(home, '.aws', 'config'),
      filepath: env.AWS_SHARED_CREDENTIALS_FILE || join(home, '.aws', 'credentials'),
      ignoreCache: true,
    });
    const names = new Set([...Object.keys(files.configFile ?? {}), ...Object.keys(files.credentialsFile ?? {})].filter((n) => !/^(sso-session|services)\./.test(n)));
    return [...names].sort().map((name) => {
      const p: Record<string, string | undefined> = { ...(files.configFile?.[name] ?? {}), ...(files.credentialsFile?.[name] ?? {}) };
      return {
        name,
        ...(p.role_arn && { roleArn: p.role_arn }),
        ...(p.sso_account_id && p.sso_role_name && { sso: { accountId: p.sso_account_id, roleName: p.sso_role_name } }),
        ...(p.aws_access_key_id && { accessKeyId: p.aws_access_key_id }),
      };
    });
  } catch {
    return [];
  }
}
