import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';

/** How to start moto's server here: `moto_server` on PATH, else `python3 -m moto.server`, else not at all. */
function motoCommand(): { cmd: string; args: string[] } | undefined {
  const onPath = (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, 'moto_server')));
  if (onPath) return { cmd: 'moto_server', args: [] };
  const py = spawnSync('python3', ['-c', 'import moto.server'], { stdio: 'ignore' });
  return py.status === 0 ? { cmd: 'python3', args: ['-m', 'moto.server'] } : undefined;
}

const command = motoCommand();

/** Whether the conformance tests against moto can run; when not, say why once per file. */
export function hasMoto(suite: string): boolean {
  if (!command) console.warn(`${suite} skipped: neither moto_server nor \`python3 -m moto.server\` is available`);
  return command !== undefined;
}

export interface Moto {
  endpoint: string;
  stop(): Promise<void>;
}

/** Starts moto_server on a free loopback port and waits until it answers. */
export async function startMoto(): Promise<Moto> {
  const port = await freePort();
  const server = spawn(command!.cmd, [...command!.args, '-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  await waitForHttp(endpoint, 20_000);
  return {
    endpoint,
    async stop() {
      if (server.exitCode !== null) return;
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      const timer = setTimeout(() => server.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      await fetch(url);
      return;
    } catch (err) {
      if (Date.now() > end) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
