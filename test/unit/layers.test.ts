/**
 * The layers of src/ point one way (issue 15 §2): cli → diagnose → engine → checks → facts → shared,
 * with rules and report beside; and no module imports itself back through others, type-only and
 * dynamic imports included (a type-only cycle still couples two files' changes). Imports are read
 * with TypeScript's own pre-processor, so this sees what the compiler sees.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const SRC = join(ROOT, 'src');

/** What each top-level directory of src/ may import (besides itself). */
const MAY_IMPORT: Record<string, readonly string[]> = {
  shared: [],
  facts: ['shared'],
  rules: ['facts', 'shared'],
  checks: ['facts', 'rules', 'shared'],
  engine: ['checks', 'rules', 'shared'],
  report: ['engine', 'checks', 'rules', 'shared'],
  diagnose: ['engine', 'checks', 'facts', 'report', 'rules', 'shared'],
  cli: ['diagnose', 'engine', 'checks', 'facts', 'report', 'rules', 'shared'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Every module each file imports: static, type-only, re-exports and `import()`. */
function importGraph(): Map<string, { local: string[]; packages: string[] }> {
  const graph = new Map<string, { local: string[]; packages: string[] }>();
  for (const file of sourceFiles(SRC)) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const local: string[] = [];
    const packages: string[] = [];
    for (const { fileName } of importedFiles) {
      if (fileName.startsWith('.')) local.push(relative(SRC, resolve(dirname(file), fileName.replace(/\.js$/, '.ts'))));
      else packages.push(fileName);
    }
    graph.set(relative(SRC, file), { local, packages });
  }
  return graph;
}

const layerOf = (file: string) => file.split('/')[0]!.replace(/\.ts$/, '');

/** Strongly connected components of more than one file, or a file importing itself (Tarjan). */
function cycles(graph: Map<string, { local: string[] }>): string[][] {
  let index = 0;
  const stack: string[] = [];
  const meta = new Map<string, { index: number; low: number; onStack: boolean }>();
  const found: string[][] = [];
  const visit = (v: string) => {
    const m = { index, low: index, onStack: true };
    index++;
    meta.set(v, m);
    stack.push(v);
    for (const w of graph.get(v)?.local ?? []) {
      if (!graph.has(w)) continue;
      const seen = meta.get(w);
      if (!seen) {
        visit(w);
        m.low = Math.min(m.low, meta.get(w)!.low);
      } else if (seen.onStack) m.low = Math.min(m.low, seen.index);
    }
    if (m.low !== m.index) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      meta.get(w)!.onStack = false;
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || graph.get(v)!.local.includes(v)) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!meta.has(v)) visit(v);
  return found;
}

describe('src/ layers', () => {
  const graph = importGraph();

  it('reads a real graph (every layer present, imports resolved to files that exist)', () => {
    expect(new Set([...graph.keys()].map(layerOf))).toEqual(new Set(Object.keys(MAY_IMPORT)));
    const dangling = [...graph].flatMap(([file, { local }]) => local.filter((to) => !graph.has(to)).map((to) => `${file} → ${to}`));
    expect(dangling).toEqual([]);
  });

  it('each layer imports only the layers below it', () => {
    const wrong = [...graph].flatMap(([file, { local }]) =>
      local.filter((to) => layerOf(to) !== layerOf(file) && !MAY_IMPORT[layerOf(file)]!.includes(layerOf(to))).map((to) => `${file} → ${to}`),
    );
    expect(wrong).toEqual([]);
  });

  it('has no import cycle, type-only and dynamic imports included', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('finds a cycle when there is one (the detector itself)', () => {
    const toy = new Map([
      ['a.ts', { local: ['b.ts'] }],
      ['b.ts', { local: ['c.ts'] }],
      ['c.ts', { local: ['a.ts'] }],
      ['d.ts', { local: ['d.ts'] }],
      ['e.ts', { local: ['a.ts'] }],
    ]);
    expect(cycles(toy)).toEqual([['a.ts', 'b.ts', 'c.ts'], ['d.ts']]);
  });

  it('the product reaches the emulator only through the lazy import of the demo and emulator commands', () => {
    const users = [...graph].filter(([, { packages }]) => packages.some((p) => p === 'eks-emulator' || p.startsWith('eks-emulator/'))).map(([file]) => file);
    expect(users.every((f) => f.startsWith('cli/commands/'))).toBe(true);
    for (const file of users) expect(readFileSync(join(SRC, file), 'utf8')).not.toMatch(/^\s*import\s[^(]*['"]eks-emulator/m);
  });
});
