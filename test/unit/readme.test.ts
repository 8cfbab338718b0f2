import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { withGeneratedTables } from '../../tools/docs/readme.js';
import { ROOT } from '../helpers/cli.js';

describe('README', () => {
  const readme = readFileSync(`${ROOT}/README.md`, 'utf8');
  it('lists exactly the rules of the catalog and the scenarios (run `npm run docs` after changing either)', () => {
    expect(readme).toBe(withGeneratedTables(readme));
  });
  it('starts with the two newcomer commands', () => {
    const head = readme.split('\n').slice(0, 12).join('\n');
    expect(head).toMatch(/npm ci && npm run build && npx eksdoctor demo/);
    expect(head).toMatch(/npm ci && npm test/);
  });
});
