/**
 * One line as logrus's TextFormatter writes it without a terminal (text_formatter.go): `time=` (RFC 3339,
 * UTC, whole seconds), `level=`, `msg=`, then the fields sorted by key; a value is written bare when
 * every character is in [A-Za-z0-9-._/@^+], else as Go's %q. A []string field is fmt.Sprint'ed first
 * (`[system:masters]`), an error field is its message.
 */
import { goCompareStrings, goQuote, goSprintStrings } from './go-strings.js';

export type LogrusLevel = 'info' | 'warning' | 'error';
export type LogrusValue = string | readonly string[];

const BARE = /^[A-Za-z0-9\-._/@^+]*$/;

function value(v: LogrusValue): string {
  const s = typeof v === 'string' ? v : goSprintStrings(v);
  return BARE.test(s) ? s : goQuote(s);
}

/** time.Time.Format(time.RFC3339) of a UTC time. */
export function rfc3339(time: Date): string {
  return time.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The line without logrus's trailing newline (CloudWatch Logs stores each event without it). */
export function logrusLine(entry: { time: Date; level: LogrusLevel; msg: string; fields: Readonly<Record<string, LogrusValue>> }): string {
  const parts = [`time=${value(rfc3339(entry.time))}`, `level=${entry.level}`];
  if (entry.msg !== '') parts.push(`msg=${value(entry.msg)}`);
  for (const key of Object.keys(entry.fields).sort(goCompareStrings)) parts.push(`${key}=${value(entry.fields[key]!)}`);
  return parts.join(' ');
}
