import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import yaml from 'js-yaml';

/** Real kubeconfigs and aws-auth files are kilobytes; anything past this is not one (SPEC §7: hostile input). */
export const MAX_YAML_BYTES = 4 * 1024 * 1024;

export type YamlRead =
  | { ok: true; docs: unknown[]; text: string }
  | { ok: false; kind: 'not-found' | 'unreadable' | 'too-large' | 'syntax'; message: string; line?: number; column?: number };

/** Parses YAML text (all documents) without ever throwing; js-yaml shares aliased nodes instead of copying them, so alias bombs stay small. */
export function parseYaml(text: string): YamlRead {
  if (text.includes('\u0000')) return { ok: false, kind: 'syntax', message: 'the file is binary, not YAML' };
  try {
    const docs = yaml.loadAll(text, undefined, { json: true }).filter((d) => d !== null && d !== undefined);
    return { ok: true, docs, text };
  } catch (err) {
    if (err instanceof yaml.YAMLException) {
      const mark = err.mark as { line?: number; column?: number } | undefined;
      return {
        ok: false,
        kind: 'syntax',
        message: err.reason || 'invalid YAML',
        line: mark?.line !== undefined ? mark.line + 1 : undefined,
        column: mark?.column !== undefined ? mark.column + 1 : undefined,
      };
    }
    return { ok: false, kind: 'syntax', message: err instanceof Error ? err.message : String(err) };
  }
}

/** Reads and parses a YAML file, classifying every failure. `-` reads standard input. */
export async function readYamlFile(path: string, stdin?: () => Promise<string>): Promise<YamlRead> {
  let text: string | undefined;
  try {
    if (path === '-') {
      text = stdin ? await stdin() : await readCapped(process.stdin);
    } else {
      const info = await stat(path);
      if (info.isDirectory()) return { ok: false, kind: 'unreadable', message: `${path} is a directory` };
      if (info.size > MAX_YAML_BYTES) {
        return { ok: false, kind: 'too-large', message: `${path} is ${(info.size / 1048576).toFixed(1)} MiB; no real kubeconfig or aws-auth file is larger than ${MAX_YAML_BYTES / 1048576} MiB` };
      }
      // Devices and pipes (/dev/zero, `<(…)`) have no size to check: read them with the same cap as stdin.
      text = info.isFile() ? await readFile(path, 'utf8') : await readCapped(createReadStream(path));
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ok: false, kind: 'not-found', message: `${path} does not exist` };
    return { ok: false, kind: 'unreadable', message: `${path} cannot be read (${code ?? String(err)})` };
  }
  if (text === undefined || text.length > MAX_YAML_BYTES) return { ok: false, kind: 'too-large', message: `input is larger than ${MAX_YAML_BYTES / 1048576} MiB` };
  return parseYaml(text);
}

/** The stream's text, or undefined once it passes MAX_YAML_BYTES (never parse a truncated file as if whole). */
async function readCapped(stream: NodeJS.ReadableStream): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > MAX_YAML_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * 1-based line of the first line matching the last pattern, each pattern searched after the line
 * of the one before (section, entry name, key), to point a structural problem at its place.
 */
export function lineOf(text: string, ...patterns: RegExp[]): number | undefined {
  if (patterns.length === 0) return undefined;
  // Walks line by line instead of splitting the whole text: callers run this once per finding, and a 4 MiB file must stay fast (SPEC §7).
  let p = 0;
  for (let start = 0, line = 1; ; line++) {
    const end = text.indexOf('\n', start);
    if (patterns[p]!.test(text.slice(start, end < 0 ? text.length : end)) && ++p === patterns.length) return line;
    if (end < 0) return undefined;
    start = end + 1;
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
