import { basename } from 'node:path';
import type { ExecConfig } from './kubeconfig.js';

/** What the exec plugin will ask for, read from its command line and env as the plugin itself reads them. */
export interface ExecPluginIntent {
  /** `aws-cli`: `aws eks get-token` (also our own `eksdoctor-aws`); `aws-iam-authenticator`; `other`. */
  kind: 'aws-cli' | 'aws-iam-authenticator' | 'other';
  clusterName?: string;
  /** Outposts `--cluster-id`: the ID the token names (x-k8s-aws-id), not a cluster name (awscli get_token.py). */
  clusterId?: string;
  region?: string;
  roleArn?: string;
  /** The AWS profile the plugin uses: `--profile` beats `AWS_PROFILE`, as in the AWS CLI. */
  profile?: string;
  profileSource?: 'args' | 'exec-env';
}

const AWS_CLI_NAMES = new Set(['aws', 'aws.exe', 'aws.cmd', 'eksdoctor-aws']);
const AUTHENTICATOR_NAMES = new Set(['aws-iam-authenticator', 'aws-iam-authenticator.exe']);

export function parseExecPlugin(exec: ExecConfig): ExecPluginIntent {
  const name = basename(exec.command);
  const args = splitArgs(exec.args);
  const env = Object.fromEntries(exec.env.map((v) => [v.name, v.value]));
  const envProfile = env.AWS_PROFILE || env.AWS_DEFAULT_PROFILE || undefined;
  const argProfile = args.get('--profile');
  const profile = argProfile ?? envProfile;
  const profileSource = argProfile ? 'args' : envProfile ? 'exec-env' : undefined;
  const envRegion = env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;

  if (AWS_CLI_NAMES.has(name)) {
    return {
      kind: 'aws-cli',
      clusterName: args.get('--cluster-name'),
      clusterId: args.get('--cluster-id'),
      region: args.get('--region') ?? envRegion,
      // update-kubeconfig writes `--role` (argparse prefix of get-token's --role-arn; awscli customizations/eks/update_kubeconfig.py).
      roleArn: args.get('--role-arn') ?? args.get('--role'),
      profile,
      profileSource,
    };
  }
  if (AUTHENTICATOR_NAMES.has(name)) {
    // aws-iam-authenticator token -i <cluster> [-r <role>] [--region r]
    return {
      kind: 'aws-iam-authenticator',
      clusterName: args.get('-i') ?? args.get('--cluster-id'),
      region: args.get('--region') ?? envRegion,
      roleArn: args.get('-r') ?? args.get('--role'),
      profile: envProfile,
      profileSource: envProfile ? 'exec-env' : undefined,
    };
  }
  return { kind: 'other', profile: envProfile, profileSource: envProfile ? 'exec-env' : undefined };
}

/** `--flag value` and `--flag=value` pairs; the last occurrence wins, as argparse (the AWS CLI's parser) keeps it. */
function splitArgs(args: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('-')) continue;
    const eq = a.indexOf('=');
    const [flag, value] = eq > 0 ? [a.slice(0, eq), a.slice(eq + 1)] : [a, args[i + 1]];
    if (value === undefined || (eq < 0 && value.startsWith('-'))) continue;
    out.set(flag, value);
    if (eq < 0) i++;
  }
  return out;
}
