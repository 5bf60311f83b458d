import type { OnCallResult } from '../../commands/oncall';
import { timeFormat } from '../../commands/oncall.blocks';

const SOURCES = { pagerduty: 'PagerDuty', opsgenie: 'Opsgenie', rotation: 'Rotation' } as const;

/** The text answer of `backline oncall`: who to call first, until when, who is next, and from where. */
export function formatOnCall(result: OnCallResult): string {
  if (!result.target) {
    const lines = [result.query ? `Nothing in the catalog is called "${result.query}".` : 'Tell me which team or service.'];
    if (result.suggestions.length) lines.push('Did you mean:', ...result.suggestions.map((s) => `  ${s.ref}${s.title ? ` (${s.title})` : ''}`));
    lines.push(...result.warnings.map((warning) => `! ${warning}`));
    return `${lines.join('\n')}\n`;
  }
  const answer = result.answer!;
  const clock = timeFormat(result.timeZone);
  const lines = [`On call for ${result.target.ref}`];
  if (answer.source && answer.origin) {
    const where = answer.origin.relation === 'itself' ? '' : `, set on ${answer.origin.relation === 'owner' ? 'its owner' : 'the parent team'} ${answer.origin.ref}`;
    lines.push(`  ${SOURCES[answer.source]}${answer.label ? `: ${answer.label}` : ''}${where}`);
  }
  if (answer.oncall.length) {
    lines.push('', ...answer.oncall.map((person) => `  Level ${person.level}  ${person.name}${person.email ? ` <${person.email}>` : ''}  ${person.until === null ? 'no end set' : `until ${clock(person.until)}`}`));
  } else if (answer.source) {
    lines.push('', '  Nobody is on call.');
  }
  for (const person of answer.next) lines.push(`  Next: ${person.name}${person.from !== null ? ` from ${clock(person.from)}` : ''}${person.until !== null ? ` until ${clock(person.until)}` : ''}`);
  if (answer.pageUrl) lines.push(`  Page: ${answer.pageUrl}`);
  const warnings = [...result.warnings, ...answer.warnings];
  if (warnings.length) lines.push('', ...warnings.map((warning) => `! ${warning}`));
  return `${lines.join('\n')}\n`;
}
