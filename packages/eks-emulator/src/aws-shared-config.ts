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

  /** `region` of the profile in ~/.aws/config. */
  regionOf(profile: string): string | undefined {
    const r = this.configSection(profile)?.get('region');
    return r === '' ? undefined : r;
  }
}
