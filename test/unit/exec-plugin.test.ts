import { describe, expect, it } from 'vitest';
import { parseAwsCliVersion } from '../../src/facts/aws-cli-version.js';
import { isEksServer, parseEksClusterArn, regionFromEksServer } from '../../src/facts/eks-endpoint.js';
import { parseExecPlugin } from '../../src/facts/exec-plugin.js';

const exec = (command: string, args: string[], env: Record<string, string> = {}) => ({
  command,
  args,
  env: Object.entries(env).map(([name, value]) => ({ name, value })),
});

describe('parseExecPlugin', () => {
  it.each([
    ['aws eks update-kubeconfig', exec('aws', ['--region', 'us-west-2', 'eks', 'get-token', '--cluster-name', 'prod', '--output', 'json']), { kind: 'aws-cli', clusterName: 'prod', region: 'us-west-2' }],
    ['update-kubeconfig --role-arn writes --role', exec('aws', ['--region', 'us-west-2', 'eks', 'get-token', '--cluster-name', 'prod', '--output', 'json', '--role', 'arn:aws:iam::1:role/r']), { roleArn: 'arn:aws:iam::1:role/r' }],
    ['with --role-arn', exec('aws', ['--region', 'us-west-2', 'eks', 'get-token', '--cluster-name', 'prod', '--role-arn', 'arn:aws:iam::1:role/r']), { roleArn: 'arn:aws:iam::1:role/r' }],
    ['profile in exec env', exec('aws', ['eks', 'get-token', '--cluster-name', 'prod'], { AWS_PROFILE: 'dev' }), { profile: 'dev', profileSource: 'exec-env' }],
    ['--profile beats AWS_PROFILE', exec('aws', ['--profile', 'ops', 'eks', 'get-token', '--cluster-name', 'prod'], { AWS_PROFILE: 'dev' }), { profile: 'ops', profileSource: 'args' }],
    ['--flag=value form', exec('/usr/local/bin/aws', ['--region=eu-west-1', 'eks', 'get-token', '--cluster-name=prod']), { clusterName: 'prod', region: 'eu-west-1' }],
    ['eksctl aws-iam-authenticator', exec('aws-iam-authenticator', ['token', '-i', 'prod'], { AWS_DEFAULT_REGION: 'us-west-2' }), { kind: 'aws-iam-authenticator', clusterName: 'prod', region: 'us-west-2' }],
    ['authenticator with a role', exec('aws-iam-authenticator', ['token', '-i', 'prod', '-r', 'arn:aws:iam::1:role/r']), { roleArn: 'arn:aws:iam::1:role/r' }],
    ['our own token generator', exec('/opt/eksdoctor/bin/eksdoctor-aws', ['--region', 'us-west-2', 'eks', 'get-token', '--cluster-name', 'prod']), { kind: 'aws-cli', clusterName: 'prod' }],
    ['an unrelated plugin', exec('gke-gcloud-auth-plugin', []), { kind: 'other' }],
  ])('%s', (_, config, expected) => {
    expect(parseExecPlugin(config)).toMatchObject(expected);
  });
});

describe('EKS endpoints and ARNs', () => {
  it('reads the region from an EKS endpoint hostname', () => {
    expect(regionFromEksServer('https://0A1B2C3D4E5F60718293A4B5C6D7E8F9.gr7.us-west-2.eks.amazonaws.com')).toBe('us-west-2');
    expect(regionFromEksServer('https://ABCDEF.yl4.cn-north-1.eks.amazonaws.com.cn')).toBe('cn-north-1');
    expect(isEksServer('https://127.0.0.1:6443')).toBe(false);
    expect(regionFromEksServer('not a url')).toBeUndefined();
  });

  it('reads a cluster ARN', () => {
    expect(parseEksClusterArn('arn:aws:eks:us-west-2:111122223333:cluster/prod')).toEqual({ region: 'us-west-2', accountId: '111122223333', clusterName: 'prod' });
    expect(parseEksClusterArn('prod')).toBeUndefined();
  });
});

describe('parseAwsCliVersion', () => {
  it.each([
    ['aws-cli/2.15.30 Python/3.11.8 Linux/6.1.0 exe/x86_64.debian.12', '2.15.30', false],
    ['aws-cli/2.6.2 Python/3.9.11 Linux/5.10 exe/x86_64', '2.6.2', true],
    ['aws-cli/2.7.0 Python/3.9.11 Linux/5.10 exe/x86_64', '2.7.0', false],
    // SPEC §9 (corrected): from 1.23.9 get-token answers the apiVersion kubectl asks for.
    ['aws-cli/1.23.9 Python/3.8.10 Linux/5.4.0 botocore/1.25.9', '1.23.9', false],
    ['aws-cli/1.23.8 Python/3.8.10 Linux/5.4.0 botocore/1.25.8', '1.23.8', true],
    ['aws-cli/2.6.2 Python/3.9.11 Linux/5.10 exe/x86_64', '2.6.2', true],
    ['aws-cli/2.6.3 Python/3.9.11 Linux/5.10 exe/x86_64', '2.6.3', false],
    ['aws-cli/1.45.11 Python/3.11.7 Linux/6.18.44 botocore/1.43.11', '1.45.11', false],
  ])('%s', (line, version, tooOld) => {
    expect(parseAwsCliVersion(line)).toMatchObject({ version, tooOld });
  });
  it('ignores output that is not the AWS CLI', () => expect(parseAwsCliVersion('command not found')).toBeUndefined());
});
