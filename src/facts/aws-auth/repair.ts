/**
 * What a broken aws-auth would map once corrected, so a fix can carry the whole corrected section
 * (issue 13: exact and idempotent): a misspelt section key renamed (`maproles` → `mapRoles`), or a
 * section the authenticator drops for one badly indented line. A correction counts only when the
 * authenticator's own parse of the result is clean; otherwise there is none and the fix is a hand edit.
 */
import { parseAwsAuthData } from './parse.js';
import type { AwsAuthMapping } from './types.js';

export interface CorrectedSection {
  section: 'mapRoles' | 'mapUsers';
  /** The entries the authenticator loads from the corrected text. */
  entries: AwsAuthMapping[];
  /** What was changed, in a few words. */
  change: string;
}

const MAPPING_SECTIONS = ['mapRoles', 'mapUsers'] as const;

/** The entries under a misspelt key, read as the section it means, when the ConfigMap does not have that section already. */
export function renamedSection(data: Record<string, string | undefined>, key: string, to: string | undefined): CorrectedSection | undefined {
  const section = MAPPING_SECTIONS.find((s) => s === to);
  const text = data[key];
  if (!section || typeof text !== 'string' || data[section] !== undefined) return undefined;
  return cleanly(section, text, `renamed ${key} to ${section}`);
}

/**
 * A section dropped for its indentation, with the line the parser stopped at (1-based within the
 * section) aligned to the key before it: the one slip a hand edit most often makes.
 */
export function reindentedSection(data: Record<string, string | undefined>, section: string, line: number | undefined): CorrectedSection | undefined {
  const s = MAPPING_SECTIONS.find((x) => x === section);
  const text = data[section];
  if (!s || typeof text !== 'string' || line === undefined) return undefined;
  const lines = text.split('\n');
  for (const at of [line - 1, line - 2]) {
    const bad = lines[at];
    if (bad === undefined || at < 1) continue;
    const prev = lines.slice(0, at).reverse().find((l) => l.trim() !== '');
    if (!prev) continue;
    const indent = /^(\s*)(- )?/.exec(prev)!;
    const want = indent[1]!.length + (indent[2] ? 2 : 0);
    const fixed = [...lines];
    fixed[at] = ' '.repeat(want) + bad.trimStart();
    if (fixed[at] === bad) continue;
    const corrected = cleanly(s, fixed.join('\n'), `re-indented line ${at + 1} of ${s}`);
    if (corrected) return corrected;
  }
  return undefined;
}

function cleanly(section: 'mapRoles' | 'mapUsers', text: string, change: string): CorrectedSection | undefined {
  const config = parseAwsAuthData({ [section]: text });
  const entries = section === 'mapRoles' ? config.roles : config.users;
  if (config.problems.some((p) => p.kind === 'invalid-yaml' || p.kind === 'unknown-key') || entries.length === 0) return undefined;
  return { section, entries, change };
}
