/**
 * Writes the isolated HOME a scenario's user would have: ~/.aws/config, ~/.aws/credentials and a
 * ~/.kube/config shaped like `aws eks update-kubeconfig` output (awscli
 * customizations/eks/update_kubeconfig.py get_cluster_entry/get_user_entry), and returns the only
 * environment to run with, so the developer's own AWS settings never leak into a demo or a test.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import yaml from 'js-yaml';
import { PLUGIN_API_VERSION_ENV, type Scenario } from './scenario.js';
import type { EmulatorState } from './state.js';

export interface EmulatorEndpoints {
  state: EmulatorState;
  awsUrl: string;
  kubeUrl: string;
  caPem: string;
}

export interface MaterializedHome {
  env: Record<string, string>;
  kubeconfigPath: string;
}

import { BUILTIN_GET_TOKEN } from './paths.js';

export { BUILTIN_GET_TOKEN };

/** Variables that would let the caller's own AWS/Kubernetes setup leak into an isolated run. */
export function isLeakyVariable(name: string): boolean {
  return name.startsWith('AWS_') || name === 'KUBECONFIG';
}

/** `base` (usually process.env) without AWS_* and KUBECONFIG, overlaid with the materialized env. */
export function isolatedEnv(base: NodeJS.ProcessEnv, env: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined && !isLeakyVariable(k)) out[k] = v;
  return { ...out, ...env };
}

export function materializeHome(
  emu: EmulatorEndpoints,
  dir: string,
  opts: { exec: 'builtin' | 'aws-cli' } = { exec: 'builtin' },
): MaterializedHome {
  const scenario = emu.state.scenario;
  const home = resolve(dir);
  const awsDir = join(home, '.aws');
  const kubeDir = join(home, '.kube');
  mkdirSync(awsDir, { recursive: true, mode: 0o700 });
  mkdirSync(kubeDir, { recursive: true, mode: 0o700 });

  const configPath = join(awsDir, 'config');
  const credentialsPath = join(awsDir, 'credentials');
  writeFileSync(configPath, awsConfigFile(scenario), { mode: 0o600 });
  writeFileSync(credentialsPath, awsCredentialsFile(scenario), { mode: 0o600 });

  const kubeconfigPath = join(kubeDir, 'config');
  writeFileSync(kubeconfigPath, kubeconfigFile(emu, opts.exec), { mode: 0o600 });

  const env: Record<string, string> = {
    HOME: home,
    KUBECONFIG: kubeconfigPath,
    AWS_CONFIG_FILE: configPath,
    AWS_SHARED_CREDENTIALS_FILE: credentialsPath,
    AWS_ENDPOINT_URL: emu.awsUrl,
    AWS_REGION: scenario.region,
    // AWS CLI v1 (botocore) reads only AWS_DEFAULT_REGION; the SDK v3 reads AWS_REGION first.
    AWS_DEFAULT_REGION: scenario.region,
    // Never fall back to the host's instance role (and never wait for IMDS timeouts) in a scenario.
    AWS_EC2_METADATA_DISABLED: 'true',
    // Read by the builtin get-token only (bin/eksdoctor-aws): an old AWS CLI's fixed ExecCredential apiVersion.
    ...(scenario.kubeconfig.pluginReturns && { [PLUGIN_API_VERSION_ENV]: scenario.kubeconfig.pluginReturns }),
    ...(scenario.local.env ?? {}),
  };
  return { env, kubeconfigPath };
}

function profileSection(profile: string, kind: 'config' | 'credentials'): string {
  return kind === 'config' && profile !== 'default' ? `[profile ${profile}]` : `[${profile}]`;
}

export function awsConfigFile(scenario: Scenario): string {
  return Object.keys(scenario.local.profiles)
    .map((profile) => `${profileSection(profile, 'config')}\nregion = ${scenario.region}\noutput = json\n`)
    .join('\n');
}

export function awsCredentialsFile(scenario: Scenario): string {
  return Object.entries(scenario.local.profiles)
    .map(([profile, principalName]) => {
      const p = scenario.principals.find((x) => x.name === principalName);
      if (!p) throw new Error(`profile ${profile}: unknown principal ${principalName}`);
      const lines = [profileSection(profile, 'credentials'), `aws_access_key_id = ${p.accessKeyId}`, `aws_secret_access_key = ${p.secretAccessKey}`];
      if (p.sessionToken) lines.push(`aws_session_token = ${p.sessionToken}`);
      return lines.join('\n') + '\n';
    })
    .join('\n');
}

/** The exec command for a scenario: `aws-cli`/`builtin` follow the option; anything else is kept (a missing binary). */
export function execCommand(scenario: Scenario, exec: 'builtin' | 'aws-cli'): string {
  const configured = scenario.kubeconfig.command;
  if (configured === undefined || configured === 'aws-cli' || configured === 'builtin') return exec === 'builtin' ? BUILTIN_GET_TOKEN : 'aws';
  return configured;
}

export function kubeconfigFile(emu: EmulatorEndpoints, exec: 'builtin' | 'aws-cli'): string {
  const scenario = emu.state.scenario;
  const kc = scenario.kubeconfig;
  const region = kc.region ?? scenario.region;
  const clusterArn = `arn:aws:eks:${scenario.region}:${scenario.account}:cluster/${scenario.cluster.name}`;
  // update_kubeconfig.py: a cluster with outpostConfig (a local cluster on Outposts) is named by --cluster-id.
  const cluster = scenario.cluster.id && !kc.clusterName ? ['--cluster-id', scenario.cluster.id] : ['--cluster-name', kc.clusterName ?? scenario.cluster.name];
  const args = kc.args ? [...kc.args] : ['--region', region, 'eks', 'get-token', ...cluster, '--output', 'json'];
  // update_kubeconfig.py appends `--role` (argparse prefix of get-token's --role-arn).
  if (kc.roleArn && !kc.args) args.push('--role', kc.roleArn);
  const execEntry: Record<string, unknown> = {
    apiVersion: kc.apiVersion ?? 'client.authentication.k8s.io/v1beta1',
    args,
    command: execCommand(scenario, exec),
  };
  if (kc.profile) execEntry.env = [{ name: 'AWS_PROFILE', value: kc.profile }];
  const user = kc.staticToken ? { token: staticTokenOf(emu) } : { exec: execEntry };
  const materials = emu.state.kubeconfigMaterials ?? {};
  if (kc.caFromOtherCluster && !materials.otherCaPem) throw new Error('kubeconfig.caFromOtherCluster needs a started emulator (startEmulator makes the CA)');
  const caPem = kc.caFromOtherCluster ? materials.otherCaPem! : emu.caPem;
  const doc = {
    apiVersion: 'v1',
    clusters: [
      {
        cluster: { 'certificate-authority-data': Buffer.from(caPem, 'utf8').toString('base64'), server: kc.server ?? emu.kubeUrl },
        name: clusterArn,
      },
    ],
    contexts: [{ context: { cluster: clusterArn, user: clusterArn, ...(kc.namespace && { namespace: kc.namespace }) }, name: clusterArn }],
    'current-context': clusterArn,
    kind: 'Config',
    preferences: {},
    users: [{ name: clusterArn, user }],
  };
  return yaml.dump(doc, { lineWidth: -1, noRefs: true });
}

/** The static token as written: `expired` is the token startEmulator presigned in the past. */
function staticTokenOf(emu: EmulatorEndpoints): string {
  const kc = emu.state.scenario.kubeconfig;
  if (kc.staticToken !== 'expired') return kc.staticToken!;
  const token = emu.state.kubeconfigMaterials?.expiredToken;
  if (!token) throw new Error('kubeconfig.staticToken: expired needs a started emulator (startEmulator presigns the token)');
  return token;
}
