import type { Report } from '../report/model.js';
import { UsageError } from './errors.js';

export const OUTPUT_FORMATS = ['text', 'json'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export function parseOutput(value: string): OutputFormat {
  if ((OUTPUT_FORMATS as readonly string[]).includes(value)) return value as OutputFormat;
  throw new UsageError(`--output must be one of ${OUTPUT_FORMATS.join(', ')} (got "${value}")`);
}

/** Colour only for a person: not with --no-color or NO_COLOR, forced by FORCE_COLOR, else only on a TTY. */
export function useColor(noColorFlag: boolean, env: NodeJS.ProcessEnv, isTty: boolean): boolean {
  if (noColorFlag || (env.NO_COLOR !== undefined && env.NO_COLOR !== '')) return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return isTty;
}

export async function render(report: Report, format: OutputFormat, color: boolean): Promise<string> {
  switch (format) {
    case 'json':
      return (await import('../report/render/json.js')).renderJson(report);
    case 'text':
      return (await import('../report/render/text.js')).renderText(report, { color });
  }
}
