import { redactSecrets } from '../redact';
import type { CheckStatus, DoctorReport, Finding } from './findings';

const MARKS: Record<CheckStatus, string> = { ok: '✓', problem: '✗', skipped: '–' };

/**
 * The report for people: one line per check, ✓ ok, ✗ problem, – skipped, with a problem's fix
 * indented under it, then a summary. Catalog data (channel names, refs) reaches these lines, so
 * control characters are replaced: a hostile annotation cannot drive the terminal. Secrets that an
 * answer may echo (a URL with a password) are redacted, here and in the JSON.
 */
export function formatDoctorReport(report: DoctorReport): string {
  const lines: string[] = [];
  for (const check of report.checks) {
    lines.push(`${MARKS[check.status]} ${check.name}: ${printable(check.message)}`);
    if (check.status === 'problem' && check.fix) lines.push(...printable(check.fix).split('\n').map((line) => `    ${line}`));
  }
  const problems = report.checks.filter((check) => check.status === 'problem').length;
  const skippedChecks = report.checks.filter((check) => check.status === 'skipped').length;
  const notRun = skippedChecks ? ` (${skippedChecks} skipped)` : '';
  lines.push('', problems ? `${problems} problem${problems === 1 ? '' : 's'} found${notRun}: fix ${problems === 1 ? 'it' : 'them'} and run backline doctor again.` : `No problems found${notRun}.`);
  return `${lines.join('\n')}\n`;
}

/** The JSON of `backline doctor --json`: `{"ok", "checks": [{"name", "status", "message", "fix"}]}`, fix null unless a problem. */
export function doctorJson(report: DoctorReport): { ok: boolean; checks: Finding[] } {
  return { ok: report.ok, checks: report.checks.map(({ name, status, message, fix }) => ({ name, status, message: redactSecrets(message), fix: fix === null ? null : redactSecrets(fix) })) };
}

function printable(text: string): string {
  return redactSecrets(text).replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '�');
}
