/** Whether a real client (aws, kubectl) is on this machine; conformance suites skip, saying why, when not. */
import { execFileSync } from 'node:child_process';

/** Asked once per worker: files share a worker's modules (vitest.config.ts), and `aws --version` is a Python start. */
const known = new Map<string, boolean>();

export function has(command: string, args: string[]): boolean {
  const key = JSON.stringify([command, ...args]);
  let found = known.get(key);
  if (found === undefined) {
    try {
      execFileSync(command, args, { stdio: 'ignore', timeout: 30_000 });
      found = true;
    } catch {
      found = false;
    }
    known.set(key, found);
  }
  return found;
}
