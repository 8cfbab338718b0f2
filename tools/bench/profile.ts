/**
 * Where a process's CPU time goes, from a V8 CPU profile (`node --cpu-prof`): each sample's time is
 * given to the function it was taken in, and the function to the source it came from — through the
 * bundle's source map for dist/*.mjs, so a chunk's time lands on the npm package or src/ file that
 * esbuild put in it. Node's own JavaScript is grouped by what it does (start-up, module loading).
 */
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number } }[];
  samples: number[];
  /** Microseconds since the previous sample. */
  timeDeltas: number[];
}

/** The group a frame's source belongs to: an npm package, a src/ or packages/ area, or a part of node. */
export function groupOfSource(source: string): string {
  const nm = source.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const parts = source.slice(nm + 'node_modules/'.length).split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  const own = /(?:^|\/)((?:src|packages\/[^/]+\/src)\/[^/]+)(?:\/|\.ts$)/.exec(source);
  if (own) return own[1]!.replace(/\.ts$/, '');
  if (source.startsWith('node:internal/modules/') || source === 'node:internal/url') return 'node: module loading';
  if (/^node:internal\/(bootstrap|process|main|options)/.test(source)) return 'node: start-up';
  if (source.startsWith('node:')) return 'node: other';
  return source;
}

/**
 * Milliseconds of CPU per group, largest first, without (idle). `(program)` is V8 work not in any
 * JavaScript function (parsing and compiling sources, mostly), `(garbage collector)` is GC.
 */
export function summarizeCpuProfile(profile: CpuProfile, sourceOf: (url: string, line: number, column: number) => string | undefined = mappedSource): { group: string; ms: number }[] {
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const groups = new Map<string, number>();
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id);
    if (!us) continue;
    const { url, lineNumber, columnNumber, functionName } = node.callFrame;
    const group = url ? groupOfSource(sourceOf(url, lineNumber, columnNumber) ?? url) : functionName.startsWith('(') ? functionName : '(native)';
    if (group === '(idle)') continue;
    groups.set(group, (groups.get(group) ?? 0) + us / 1000);
  }
  return [...groups].map(([group, ms]) => ({ group, ms })).sort((a, b) => b.ms - a.ms);
}

const maps = new Map<string, SourceMap | null>();

/** The original source of a position in a file: URL, through its `.map` beside it when there is one. */
function mappedSource(url: string, line: number, column: number): string | undefined {
  if (!url.startsWith('file:')) return url;
  let map = maps.get(url);
  if (map === undefined) {
    try {
      map = new SourceMap(JSON.parse(readFileSync(`${fileURLToPath(url)}.map`, 'utf8')));
    } catch {
      map = null;
    }
    maps.set(url, map);
  }
  const entry = map?.findEntry(line, column) as { originalSource?: string } | undefined;
  return entry?.originalSource ?? fileURLToPath(url);
}

/**
 * What a list of loaded files (load-trace.ts) holds, by group: for a bundle chunk, the sources its
 * source map names, each counted with the size of its original text; for any other file, the file.
 */
export function loadedSources(urls: readonly string[]): { files: number; groups: { group: string; kb: number; sources: number }[] } {
  const groups = new Map<string, { kb: number; sources: number }>();
  const add = (group: string, bytes: number) => {
    const g = groups.get(group) ?? { kb: 0, sources: 0 };
    g.kb += bytes / 1024;
    g.sources += 1;
    groups.set(group, g);
  };
  for (const url of urls) {
    const path = fileURLToPath(url);
    let map: { sources?: string[]; sourcesContent?: (string | null)[] } | undefined;
    try {
      map = JSON.parse(readFileSync(`${path}.map`, 'utf8')) as typeof map;
    } catch {
      map = undefined;
    }
    if (map?.sources?.length) map.sources.forEach((s, i) => add(groupOfSource(s), map!.sourcesContent?.[i]?.length ?? 0));
    else {
      let size = 0;
      try {
        size = readFileSync(path).length;
      } catch {
        // gone since
      }
      add(groupOfSource(path.replace(/^.*\/(bin|dist)\//, '$1/')), size);
    }
  }
  return { files: urls.length, groups: [...groups].map(([group, g]) => ({ group, ...g })).sort((a, b) => b.kb - a.kb) };
}
