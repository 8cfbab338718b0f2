import yaml from 'js-yaml';
import { isRecord } from '../../shared/records.js';
import { parseAwsAuthData } from './parse.js';
import { AWS_AUTH_SECTIONS, awsAuthProblem, type AwsAuthConfig, type AwsAuthProblem, type AwsAuthProblemOf, type AwsAuthSection } from './types.js';
import { MAX_SECTION_CHARS } from './section.js';
import { yamlKind } from './yaml-kind.js';

/** A whole manifest may hold several objects, but not more than a few ConfigMaps' worth. */
const MAX_MANIFEST_CHARS = 4 * MAX_SECTION_CHARS;

interface YamlDocument {
  /** 0-based index of the document's first line in the file. */
  start: number;
  lines: string[];
}

/**
 * Reads an aws-auth ConfigMap manifest (kind ConfigMap, name aws-auth, namespace kube-system), possibly
 * one document among others, or a bare mapping of `data` keys. Line numbers in findings point into the
 * file. `problems` holds every finding, including those of `config.problems`. Never throws.
 */
export function parseAwsAuthManifest(text: string, file?: string): { config?: AwsAuthConfig; problems: AwsAuthProblem[] } {
  const problems: AwsAuthProblem[] = [];
  const invalid = (fields: AwsAuthProblemOf<'invalid-yaml'>) => problems.push(awsAuthProblem('invalid-yaml', { file, ...fields }));
  if (typeof text !== 'string') {
    invalid({ reason: 'input is not text' });
    return { problems };
  }
  if (text.length > MAX_MANIFEST_CHARS) {
    invalid({ reason: `the file is larger than ${MAX_MANIFEST_CHARS / 1048576} MiB; a ConfigMap holds at most 1 MiB` });
    return { problems };
  }
  if (text.includes('\u0000')) {
    invalid({ reason: 'the file is binary, not YAML' });
    return { problems };
  }

  let found: { doc: Record<string, unknown>; data: unknown; at: YamlDocument; bare: boolean } | undefined;
  for (const at of splitDocuments(text)) {
    if (!at.lines.some((l) => !/^\s*(#.*)?$/.test(l) && !/^---\s*(#.*)?$/.test(l))) continue;
    const body = at.lines.join('\n');
    let doc: unknown;
    try {
      doc = yaml.load(body, { json: true });
    } catch (err) {
      const mark = err instanceof yaml.YAMLException ? (err.mark as { line?: number } | undefined) : undefined;
      const reason = err instanceof yaml.YAMLException ? err.reason || 'invalid YAML' : 'invalid YAML';
      invalid({ line: typeof mark?.line === 'number' ? at.start + mark.line + 1 : at.start + 1, reason });
      continue;
    }
    if (!isRecord(doc)) continue;
    const meta = isRecord(doc.metadata) ? doc.metadata : {};
    // The last aws-auth in the file wins, as `kubectl apply -f` applies documents in order.
    if (doc.kind === 'ConfigMap' && meta.name === 'aws-auth') found = { doc, data: doc.data, at, bare: false };
    else if (!found && doc.kind === undefined && AWS_AUTH_SECTIONS.some((k) => k in doc)) found = { doc, data: doc, at, bare: true };
    else if (!found && doc.kind === undefined && isRecord(doc.data)) found = { doc, data: doc.data, at, bare: false };
  }

  if (!found) {
    if (problems.length === 0) invalid({ reason: 'no ConfigMap named aws-auth (and no mapRoles, mapUsers or mapAccounts keys) in the file' });
    return { problems };
  }

  const { doc, at } = found;
  const meta = isRecord(doc.metadata) ? doc.metadata : {};
  if (!found.bare && typeof meta.namespace === 'string' && meta.namespace !== 'kube-system') {
    invalid({ line: lineOfKey(at, 'namespace', 2), reason: `the ConfigMap is in namespace "${meta.namespace}"; the authenticator reads aws-auth only from kube-system` });
  }
  if (found.data !== undefined && found.data !== null && !isRecord(found.data)) {
    invalid({ line: lineOfKey(at, 'data', 0), reason: `data is a ${yamlKind(found.data)}, not a mapping` });
    return { problems };
  }

  const { lineOffsets, keyLines } = locateDataKeys(at, found.bare);
  const raw = isRecord(found.data) ? found.data : {};
  const data: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value === 'string' || value === null) data[key] = value ?? undefined;
    else if ((AWS_AUTH_SECTIONS as readonly string[]).includes(key)) {
      // kubectl apply rejects a non-string data value, so the cluster never sees this section.
      invalid({ section: key as AwsAuthSection, line: keyLines[key], reason: `data.${key} is a ${yamlKind(value)}; ConfigMap data values are strings (write \`${key}: |\` and indent the list below it)`, dropped: 'section' });
    } else data[key] = '';
  }
  const config = parseAwsAuthData(data, { file, lineOffsets, keyLines });
  return { config, problems: [...problems, ...config.problems] };
}

/** Splits a multi-document stream at `---` / `...` lines, keeping each document's first line number. */
function splitDocuments(text: string): YamlDocument[] {
  const docs: YamlDocument[] = [{ start: 0, lines: [] }];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '').replace(/^\uFEFF/, '');
    const current = docs[docs.length - 1]!;
    if (/^---(\s|$)/.test(line)) docs.push({ start: i, lines: [line] });
    else if (/^\.\.\.(\s|$)/.test(line)) docs.push({ start: i + 1, lines: [] });
    else current.lines.push(line);
  });
  return docs;
}

/**
 * File lines of the `data` keys. For a literal block (`mapRoles: |`) the section's line n is file line
 * key + n; for any other style the key's own line is the best there is.
 */
function locateDataKeys(at: YamlDocument, bare: boolean): { lineOffsets: Partial<Record<AwsAuthSection, number>>; keyLines: Record<string, number> } {
  const lineOffsets: Partial<Record<AwsAuthSection, number>> = {};
  const keyLines: Record<string, number> = {};
  let i = 0;
  if (!bare) {
    i = at.lines.findIndex((l) => /^data\s*:\s*(#.*)?$/.test(l));
    if (i < 0) {
      const flow = at.lines.findIndex((l) => /^data\s*:/.test(l));
      if (flow >= 0) for (const k of AWS_AUTH_SECTIONS) keyLines[k] = at.start + flow + 1;
      return { lineOffsets, keyLines };
    }
    i += 1;
  }
  let indent: number | undefined;
  for (; i < at.lines.length; i++) {
    const line = at.lines[i]!;
    if (/^\s*(#.*)?$/.test(line) || /^(---|\.\.\.)/.test(line)) continue;
    const lead = line.length - line.trimStart().length;
    if (!bare && lead === 0) break;
    indent ??= lead;
    if (lead !== indent) continue;
    const m = /^\s*(["']?)([^"':#]+?)\1\s*:(?:\s+(.*))?$/.exec(line);
    if (!m) continue;
    const key = m[2]!;
    const fileLine = at.start + i + 1;
    keyLines[key] = fileLine;
    if (/^\|[0-9+-]*\s*(#.*)?$/.test(m[3] ?? '') && (AWS_AUTH_SECTIONS as readonly string[]).includes(key)) lineOffsets[key as AwsAuthSection] = fileLine;
  }
  return { lineOffsets, keyLines };
}

/** File line of a key at the given indentation within a document (first occurrence). */
function lineOfKey(at: YamlDocument, key: string, indent: number): number | undefined {
  const re = new RegExp(`^ {${indent}}${key}\\s*:`);
  const i = at.lines.findIndex((l) => re.test(l));
  return i >= 0 ? at.start + i + 1 : undefined;
}
