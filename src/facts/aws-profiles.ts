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
