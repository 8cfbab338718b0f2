import { parseAwsCliVersion } from '../../facts/aws-cli-version.js';
import { listAwsProfiles } from '../../facts/aws-profiles.js';
import { resolveExecutable, runCommand } from '../../facts/executable.js';
import { finding, type FindingOf } from '../../rules/index.js';
import { envFingerprint } from '../../shared/digest.js';
import { defineCheck } from '../types.js';
import { regionMismatchFinding } from './entry-lint.js';

const VERSION_TIMEOUT_MS = 10_000;

const EMITS = ['kubeconfig/exec-command-not-found', 'kubeconfig/aws-cli-too-old', 'kubeconfig/profile-not-found', 'kubeconfig/region-mismatch'] as const;

/** What can be known about the exec plugin without running it for a token: installed, version, profile, region. */
export const execPluginCheck = defineCheck({
  id: 'exec-plugin',
  title: 'exec plugin',
  dependsOn: ['kubeconfig'],
  waitsFor: ['token'],
  emits: EMITS,
  async run({ facts, options, signal, remainingMs, once, finished }) {
    const kc = facts.kubeconfig!;
    const exec = kc.user.exec;
    const plugin = kc.plugin;
    if (!exec || !plugin) return { findings: [], skip: `user "${kc.user.name}" does not use an exec plugin` };
    const env = { ...options.env, ...Object.fromEntries(exec.env.map((v) => [v.name, v.value])) };
    const findings: FindingOf<(typeof EMITS)[number]>[] = [];

    const profileProblem = plugin.profile ? checkProfile(plugin.profile, plugin.profileSource!, env) : Promise.resolve(undefined);
    const regionMismatch = regionMismatchFinding(plugin, kc.clusterRegion, kc.cluster.server!);
    if (regionMismatch) findings.push(regionMismatch);

    /**
     * Too old means answering v1alpha1 whatever kubectl asks for: a CLI that has just printed the credential
     * kubectl asked for (the token check ran it as kubectl does) is new enough, and asking its version would
     * start Python a second time (~0.35 s of CPU). Asked when the plugin failed, did not run (--offline), or
     * answered a v1alpha1 kubeconfig in kind (the version then says which CLI wrote it). After the plugin, not
     * beside it: a failing run takes that much longer, every other run one Python start less.
     */
    const answeredKubectl = async () => {
      await finished('token');
      return facts.credential !== undefined && exec.apiVersion !== 'client.authentication.k8s.io/v1alpha1';
    };

    let versionUnknown: string | undefined;
    const path = resolveExecutable(exec.command, options.env, kc.user.file);
    if (!path) {
      findings.push(finding('kubeconfig/exec-command-not-found', { command: exec.command, user: kc.user.name, kind: plugin.kind, clusterName: plugin.clusterName, region: plugin.region }));
    } else if (plugin.kind === 'aws-cli' && /^aws(\.exe|\.cmd)?$/.test(exec.command.split('/').pop()!) && !(await answeredKubectl())) {
      // Once per binary and environment: a fleet of contexts on one AWS CLI starts it once, not once per context.
      const out = await once(`aws-version:${path}:${envFingerprint(env)}`, () => runCommand(path, ['--version'], env, Math.min(VERSION_TIMEOUT_MS, remainingMs()), signal));
      const versionLine = `${out.stdout}${out.stderr}`.trim().split('\n')[0] ?? '';
      const version = parseAwsCliVersion(versionLine);
      // Asked because the plugin failed (or offline): a version that could not be read is not "new enough".
      if (!version && (out.timedOut || out.error !== undefined)) versionUnknown = `the AWS CLI did not report its version${out.timedOut ? ' in time' : ` (${out.error})`}`;
      if (version?.tooOld) {
        findings.push(finding('kubeconfig/aws-cli-too-old', { command: path, versionLine, version: version.version, major: version.major, minimum: version.minimum, clusterName: plugin.clusterName, region: plugin.region }));
      }
    }
    const profile = await profileProblem;
    if (profile) findings.push(profile);
    const halt = !path ? `exec plugin "${exec.command}" not found` : versionUnknown;
    return { findings, ...(halt !== undefined && { halt }) };
  },
});

async function checkProfile(profile: string, source: 'args' | 'exec-env', env: NodeJS.ProcessEnv) {
  const profiles = await listAwsProfiles(env);
  if (profiles.names.includes(profile)) return undefined;
  return finding('kubeconfig/profile-not-found', {
    profile,
    source: source === 'args' ? 'exec args --profile' : 'exec env AWS_PROFILE',
    configFile: profiles.configFile,
    credentialsFile: profiles.credentialsFile,
    available: profiles.names,
  });
}
