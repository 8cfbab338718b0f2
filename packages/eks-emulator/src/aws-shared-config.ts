/**
 * The shared AWS files as botocore reads them (configloader.py raw_config_parse, session.py
 * available_profiles): ~/.aws/config (`[default]`, `[profile NAME]`) and ~/.aws/credentials
 * (`[NAME]`), at AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE when set. A profile exists when
 * either file names it.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

type Sections = Map<string, Map<string, string>>;

/** INI as Python's configparser reads it: `[section]`, `key = value` or `key: value`, `#`/`;` comment lines. */
function parseIni(text: string): Sections {
  const sections: Sections = new Map();
  let current: Map<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      const name = header[1]!.trim();
      current = sections.get(name) ?? new Map();
      sections.set(name, current);
      continue;
    }
    const kv = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(line);
    if (kv && current && !/^\s/.test(raw)) current.set(kv[1]!.toLowerCase(), kv[2]!);
  }
  return sections;
}

function readSections(path: string): Sections {
  try {
    return parseIni(readFileSync(path, 'utf8'));
  } catch {
    return new Map();
  }
}

const expandHome = (p: string) => (p.startsWith('~') ? join(homedir(), p.slice(1)) : p);

export class SharedConfig {
  private readonly config: Sections;
  private readonly credentials: Sections;

  constructor(env: NodeJS.ProcessEnv) {
    const home = env.HOME ?? homedir();
    this.config = readSections(expandHome(env.AWS_CONFIG_FILE ?? join(home, '.aws', 'config')));
    this.credentials = readSections(expandHome(env.AWS_SHARED_CREDENTIALS_FILE ?? join(home, '.aws', 'credentials')));
  }

  /** The config-file section of a profile: `[default]` is the default one, others are `[profile NAME]`. */
  private configSection(profile: string): Map<string, string> | undefined {
    return profile === 'default' ? (this.config.get('default') ?? this.config.get('profile default')) : this.config.get(`profile ${profile}`);
  }

  hasProfile(profile: string): boolean {
    return this.configSection(profile) !== undefined || this.credentials.has(profile);
  }

  /**
   * The profile's static keys when both botocore and the SDK's chain would stop at them: the
   * credentials file's section holds both keys (else the config file's, when the credentials file
   * holds none), and nothing that one of the chains tries first or instead (role_arn, web identity,
   * SSO, credential_process; botocore credentials.py create_credential_resolver, credential-provider-ini
   * resolveProfileData). Anything else is undefined: the caller runs the full chain.
   */
  staticCredentialsOf(profile: string): { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | undefined {
    const fromCredentials = this.credentials.get(profile);
    const fromConfig = this.configSection(profile);
    const merged = new Map([...(fromConfig ?? []), ...(fromCredentials ?? [])]);
    const elsewhere = ['role_arn', 'source_profile', 'credential_source', 'web_identity_token_file', 'credential_process', 'sso_start_url', 'sso_session', 'sso_account_id', 'sso_role_name', 'sso_region', 'login_session'];
    if (elsewhere.some((k) => merged.has(k))) return undefined;
    const keysIn = (s?: Map<string, string>) => Boolean(s?.get('aws_access_key_id') && s.get('aws_secret_access_key'));
    const section = keysIn(fromCredentials) ? fromCredentials : !fromCredentials?.has('aws_access_key_id') && keysIn(fromConfig) ? fromConfig : undefined;
    if (!section) return undefined;
    const [accessKeyId, secretAccessKey, sessionToken] = ['aws_access_key_id', 'aws_secret_access_key', 'aws_session_token'].map((k) => section.get(k));
    // The SDK's INI parser drops ` #…` / ` ;…` comments and configparser keeps them: a value with blanks is left to the chain.
    if ([accessKeyId, secretAccessKey, sessionToken].some((v) => v !== undefined && /\s/.test(v))) return undefined;
    return { accessKeyId: accessKeyId!, secretAccessKey: secretAccessKey!, ...(sessionToken && { sessionToken }) };
  }

  /** `region` of the profile in ~/.aws/config. */
  regionOf(profile: string): string | undefined {
    const r = this.configSection(profile)?.get('region');
    return r === '' ? undefined : r;
  }
}
