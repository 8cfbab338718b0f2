/**
 * The manual diagnosis of SPEC §6, run as a person would: one command after the other, each
 * waiting for the previous one's answer, with the real AWS CLI and kubectl against the emulator.
 */
import { timeSpawn } from './spawn.js';

export interface RunbookStep {
  label: string;
  ms: number;
  code: number | null;
}

export interface RunbookTargets {
  /** Scenario for STS, DescribeCluster, kubectl and the logs query. */
  main: { env: NodeJS.ProcessEnv; cluster: string };
  /** Scenario for the access-entry commands (they need authentication mode API or API_AND_CONFIG_MAP). */
  accessEntries: { env: NodeJS.ProcessEnv; cluster: string; principalArn: string };
}

const QUERY = 'fields @logStream, @timestamp, @message | sort @timestamp desc | filter @logStream like /authenticator/ | limit 50';
const MAX_POLLS = 10;

export async function runRunbook(t: RunbookTargets): Promise<RunbookStep[]> {
  const steps: RunbookStep[] = [];
  const run = async (label: string, command: string, args: string[], env: NodeJS.ProcessEnv) => {
    const r = await timeSpawn(command, args, { env });
    steps.push({ label, ms: r.ms, code: r.code });
    return r;
  };
  const { env, cluster } = t.main;
  const ae = t.accessEntries;
  await run('aws sts get-caller-identity', 'aws', ['sts', 'get-caller-identity'], env);
  await run('aws eks describe-cluster', 'aws', ['eks', 'describe-cluster', '--name', cluster], env);
  await run('aws eks list-access-entries', 'aws', ['eks', 'list-access-entries', '--cluster-name', ae.cluster], ae.env);
  await run('aws eks describe-access-entry', 'aws', ['eks', 'describe-access-entry', '--cluster-name', ae.cluster, '--principal-arn', ae.principalArn], ae.env);
  await run('aws eks list-associated-access-policies', 'aws', ['eks', 'list-associated-access-policies', '--cluster-name', ae.cluster, '--principal-arn', ae.principalArn], ae.env);
  await run('kubectl get configmap aws-auth', 'kubectl', ['get', 'configmap', 'aws-auth', '-n', 'kube-system', '-o', 'yaml'], env);
  await run('kubectl auth whoami', 'kubectl', ['auth', 'whoami'], env);
  const now = Math.floor(Date.now() / 1000);
  const started = await run('aws logs start-query', 'aws', ['logs', 'start-query', '--log-group-name', `/aws/eks/${cluster}/cluster`, '--start-time', String(now - 3600), '--end-time', String(now), '--query-string', QUERY], env);
  const queryId = (JSON.parse(started.stdout || '{}') as { queryId?: string }).queryId;
  if (!queryId) throw new Error(`aws logs start-query gave no queryId: ${started.stderr.trim()}`);
  // A person re-runs get-query-results until the query is Complete; every poll counts.
  for (let i = 0; i < MAX_POLLS; i++) {
    const r = await run('aws logs get-query-results', 'aws', ['logs', 'get-query-results', '--query-id', queryId], env);
    const status = (JSON.parse(r.stdout || '{}') as { status?: string }).status;
    if (status !== 'Running' && status !== 'Scheduled') break;
  }
  return steps;
}
