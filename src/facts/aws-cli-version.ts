import semver from 'semver';

export interface AwsCliVersion {
  version: string;
  major: 1 | 2;
  /** The oldest version whose get-token emits client.authentication.k8s.io/v1beta1 (SPEC §9). */
  minimum: string;
  tooOld: boolean;
}

/** Parses `aws --version` output, e.g. `aws-cli/2.15.30 Python/3.11.8 Linux/6.1 exe/x86_64` or `aws-cli/1.22.0 Python/3.8 …`. */
export function parseAwsCliVersion(output: string): AwsCliVersion | undefined {
  const m = /aws-cli\/(\d+\.\d+\.\d+)/.exec(output);
  if (!m) return undefined;
  const version = m[1]!;
  const major = semver.major(version);
  if (major !== 1 && major !== 2) return undefined;
  // get-token defaults to v1beta1 from 1.24.0 / 2.7.0; older ones emit v1alpha1, which kubectl ≥ 1.24 rejects.
  const minimum = major === 1 ? '1.24.0' : '2.7.0';
  return { version, major, minimum, tooOld: semver.lt(version, minimum) };
}
