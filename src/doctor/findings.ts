/**
 * What `backline doctor` reports: one finding per check, each with what it saw and, for a problem,
 * what to do about it. The JSON of a report is a contract for CI (docs/cli.md#backline-doctor).
 */

export type CheckStatus = 'ok' | 'problem' | 'skipped';

export interface Finding {
  /** Stable, dotted: `slack.scopes`, `github.org:acme`. */
  name: string;
  status: CheckStatus;
  /** What the check saw, in one sentence. */
  message: string;
  /** For a problem: what to do, one step a line. Null otherwise. */
  fix: string | null;
}

export interface DoctorReport {
  /** True when no check found a problem (skipped checks do not count). */
  ok: boolean;
  checks: Finding[];
}

export const ok = (name: string, message: string): Finding => ({ name, status: 'ok', message, fix: null });
export const problem = (name: string, message: string, fix: string): Finding => ({ name, status: 'problem', message, fix });
export const skipped = (name: string, message: string): Finding => ({ name, status: 'skipped', message, fix: null });

export function reportOf(checks: Finding[]): DoctorReport {
  return { ok: checks.every((check) => check.status !== 'problem'), checks };
}

/** "1 channel", "3 channels". */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? singular : plural}`;
}

/** The message of anything thrown, for a finding. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
