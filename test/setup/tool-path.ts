/**
 * The PATH the test files run with: the host's, with the directory of the real `aws` first when `aws` on
 * PATH is a pyenv shim. A shim is a bash script that runs `pyenv exec`, itself several more bash processes,
 * before Python starts: ~0.07 s of CPU on each of the suite's hundreds of AWS CLI runs (most of them exec
 * plugins kubectl starts), measured 2026-12-02. The AWS CLI that runs is the same one; only the shim is skipped.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

function onPath(path: string, cmd: string): string | undefined {
  return path
    .split(delimiter)
    .map((dir) => join(dir, cmd))
    .find((p) => existsSync(p));
}

/** Whether `file` starts like a pyenv shim (its first 2 KB; anything unreadable is not one). */
function isPyenvShim(file: string): boolean {
  try {
    const fd = openSync(file, 'r');
    try {
      const head = Buffer.alloc(2048);
      return head.subarray(0, readSync(fd, head, 0, head.length, 0)).toString('utf8').includes('pyenv');
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

export function pathPastShims(path = process.env.PATH ?? '', cmds = ['aws', 'moto_server']): string {
  const dirs: string[] = [];
  for (const cmd of cmds) {
    const found = onPath(path, cmd);
    if (!found || !isPyenvShim(found)) continue;
    try {
      const real = execFileSync('pyenv', ['which', cmd], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }).trim();
      if (real && existsSync(real) && !dirs.includes(dirname(real))) dirs.push(dirname(real));
    } catch {
      // No pyenv to ask: the shim stays, slower but the same AWS CLI.
    }
  }
  return [...dirs, path].join(delimiter);
}
