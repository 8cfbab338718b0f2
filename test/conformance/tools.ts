/** Whether a real client (aws, kubectl) is on this machine; conformance suites skip, saying why, when not. */
import { execFileSync } from 'node:child_process';

export function has(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore', timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}
