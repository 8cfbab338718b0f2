import type { FleetReport, Report } from '../model.js';

/** The JSON output is the model itself (SPEC §4). */
export function renderJson(report: Report | FleetReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
