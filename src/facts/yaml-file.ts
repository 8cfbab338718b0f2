import yaml from 'js-yaml';
import { readBoundedFile, readCappedStream } from './files.js';

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
  if (path === '-') {
    const text = stdin ? await stdin() : await readCappedStream(process.stdin, MAX_YAML_BYTES);
    if (text === undefined) return { ok: false, kind: 'too-large', message: `standard input is larger than ${MAX_YAML_BYTES / 1048576} MiB` };
    return parseYaml(text);
  }
  const read = await readBoundedFile(path, MAX_YAML_BYTES);
  if (!read.ok) return { ok: false, kind: read.problem === 'not-found' ? 'not-found' : read.problem === 'too-large' ? 'too-large' : 'unreadable', message: read.message };
  return parseYaml(read.text);
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

