import { createHash } from 'node:crypto';

/** Short SHA-256 of a value, so secrets (tokens) can key a cache without being kept as keys. */
export function digest(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 32);
}

/** What of an environment decides AWS credentials and endpoints (and where the plugin is found). */
export function envFingerprint(env: NodeJS.ProcessEnv): string {
  const relevant = Object.entries(env)
    .filter(([k, v]) => v !== undefined && (k.startsWith('AWS_') || k === 'HOME' || k === 'USERPROFILE' || k === 'PATH'))
    .sort(([a], [b]) => a.localeCompare(b));
  return digest(JSON.stringify(relevant));
}
