/**
 * Every file eksdoctor reads (kubeconfigs, CAs, token files, client certificates, --aws-auth-file, lint
 * arguments) goes through here: only regular files, stat first and size-capped, so a FIFO, a device
 * (/dev/zero) or a process substitution is refused before it is opened and can neither hang a read
 * nor keep the process from exiting (SPEC §7).
 */
import { readFile, stat } from 'node:fs/promises';

export type FileProblem = 'not-found' | 'not-regular' | 'directory' | 'too-large' | 'unreadable';

export type FileRead = { ok: true; text: string; bytes: number } | { ok: false; problem: FileProblem; message: string };

export async function readBoundedFile(path: string, maxBytes: number): Promise<FileRead> {
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ok: false, problem: 'not-found', message: `${path} does not exist` };
    return { ok: false, problem: 'unreadable', message: `${path} cannot be read (${code ?? 'error'})` };
  }
  if (info.isDirectory()) return { ok: false, problem: 'directory', message: `${path} is a directory` };
  if (!info.isFile()) return { ok: false, problem: 'not-regular', message: `${path} is not a regular file (${kindOf(info)}); give a file, or '-' for standard input where that is accepted` };
  if (info.size > maxBytes) return { ok: false, problem: 'too-large', message: `${path} is ${mib(info.size)}, more than the ${mib(maxBytes)} such a file can be` };
  try {
    const buffer = await readFile(path);
    // The file may have grown since stat: the cap still holds.
    if (buffer.length > maxBytes) return { ok: false, problem: 'too-large', message: `${path} is more than the ${mib(maxBytes)} such a file can be` };
    return { ok: true, text: buffer.toString('utf8'), bytes: buffer.length };
  } catch (err) {
    return { ok: false, problem: 'unreadable', message: `${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})` };
  }
}

/** Reads a stream (standard input) up to the cap; undefined once it passes it (never parse a truncated file as if whole). */
export async function readCappedStream(stream: NodeJS.ReadableStream, maxBytes: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function kindOf(info: { isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean }): string {
  if (info.isFIFO()) return 'a pipe';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isSocket()) return 'a socket';
  return 'a special file';
}

function mib(bytes: number): string {
  return bytes >= 1048576 ? `${(bytes / 1048576).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
}
