export interface AwsCliVersion {
  version: string;
  major: 1 | 2;
  /** The oldest version whose get-token answers the apiVersion kubectl asks for (SPEC §9). */
  minimum: string;
  tooOld: boolean;
}

/** Parses `aws --version` output, e.g. `aws-cli/2.15.30 Python/3.11.8 Linux/6.1 exe/x86_64` or `aws-cli/1.22.0 Python/3.8 …`. */
export function parseAwsCliVersion(output: string): AwsCliVersion | undefined {
  const m = /aws-cli\/(\d+)\.(\d+)\.(\d+)/.exec(output);
  if (!m) return undefined;
  const parts = [Number(m[1]), Number(m[2]), Number(m[3])] as const;
  const major = parts[0];
  if (major !== 1 && major !== 2) return undefined;
  // SPEC §9: from 1.23.9 / 2.6.3 get-token reads KUBERNETES_EXEC_INFO and answers the apiVersion kubectl asks for.
  const minimum = major === 1 ? ([1, 23, 9] as const) : ([2, 6, 3] as const);
  return { version: parts.join('.'), major, minimum: minimum.join('.'), tooOld: compare(parts, minimum) < 0 };
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}
