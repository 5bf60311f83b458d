import { INFERRED_EVIDENCE_ANNOTATION as INFERRED_EVIDENCE, INFERRED_FROM_ANNOTATION as INFERRED_FROM } from '../../catalog/provenance';
import { parseCodeOwners, rootRule, type CodeOwner } from './codeowners';

/** A repository's permission levels for a team, as GitHub names them, strongest first. */
export type TeamPermission = 'admin' | 'maintain' | 'write' | 'triage' | 'read';

/** What GitHub says about a repository that has no catalog file. */
export interface RepositoryFacts {
  owner: string;
  name: string;
  description: string | null;
  topics: string[];
  language: string | null;
  /** The first CODEOWNERS file found (GitHub's order), or null when there is none. */
  codeowners: { path: string; text: string } | { path: string; ignored: string } | null;
  /** Teams with access, by slug (lower case). */
  teams: Array<{ slug: string; permission: TeamPermission }>;
  /** The organisation's teams could not be read (credentials without read:org). */
  teamsUnread?: boolean;
  /** Owners (ref keys) a team said are wrong for this repository ("Not us"). */
  rejected: ReadonlySet<string>;
}

export type InferenceSource = 'codeowners' | 'team-permission' | 'none';

export interface Inference {
  /** The Component, as a catalog document. */
  entity: Record<string, unknown>;
  source: InferenceSource;
  /** How the owner is known, in words: the CODEOWNERS line, the team permission, or why nothing is. */
  evidence: string;
}


/**
 * A Component for a repository without a catalog file. Its owner is, in order: the CODEOWNERS rule
 * that owns the repository root (its first team, else its first person); the one team with admin
 * permission, else the one with maintain; else none. An owner a team rejected is passed over.
 */
export function inferComponent(facts: RepositoryFacts): Inference {
  const slug = `${facts.owner}/${facts.name}`;
  const found = fromCodeOwners(facts) ?? withIgnoredFile(fromTeamPermissions(facts), facts) ?? { owner: null, source: 'none' as const, evidence: nobodyEvidence(facts) };
  const tags = [...new Set([...facts.topics, ...(facts.language ? [facts.language] : [])].map(asTag).filter((tag): tag is string => tag !== undefined))];
  const description = facts.description?.trim();
  const entity = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: entityNameOf(facts.name),
      ...(description && { description }),
      ...(tags.length && { tags }),
      annotations: { 'github.com/project-slug': slug, [INFERRED_FROM]: found.source, [INFERRED_EVIDENCE]: found.evidence },
    },
    spec: { type: 'unknown', lifecycle: 'unknown', ...(found.owner && { owner: found.owner }) },
  };
  return { entity, source: found.source, evidence: found.evidence };
}

type Found = { owner: string | null; source: InferenceSource; evidence: string };

function fromCodeOwners(facts: RepositoryFacts): Found | undefined {
  const file = facts.codeowners;
  if (!file || 'ignored' in file) return undefined;
  const rule = rootRule(parseCodeOwners(file.text));
  if (!rule) return undefined;
  // GitHub takes a team as a code owner only from the repository's own organisation.
  const candidates = rule.owners.map((owner) => ({ owner, ref: owner.kind === 'team' && owner.org.toLowerCase() !== facts.owner.toLowerCase() ? undefined : refOf(owner) }));
  const usable = candidates.filter((candidate): candidate is { owner: CodeOwner; ref: string } => candidate.ref !== undefined && !facts.rejected.has(candidate.ref.toLowerCase()));
  const teams = usable.filter((candidate) => candidate.owner.kind === 'team');
  const chosen = teams[0] ?? usable[0];
  if (!chosen) return undefined;
  const notes: string[] = [];
  const others = teams.slice(1).map((team) => handleOf(team.owner));
  if (others.length) notes.push(`also names ${listed(others)}`);
  const rejected = candidates.filter((candidate) => candidate.ref && facts.rejected.has(candidate.ref.toLowerCase())).map((candidate) => handleOf(candidate.owner));
  if (rejected.length) notes.push(`${listed(rejected)} said it is not theirs`);
  return { owner: chosen.ref, source: 'codeowners', evidence: `${file.path} line ${rule.line}: ${rule.text}${notes.length ? ` (${notes.join('; ')})` : ''}` };
}

function fromTeamPermissions(facts: RepositoryFacts): Found | undefined {
  for (const level of ['admin', 'maintain'] as const) {
    const teams = facts.teams.filter((team) => team.permission === level && !facts.rejected.has(`group:default/${team.slug}`)).map((team) => team.slug).sort();
    if (teams.length === 1) return { owner: `group:default/${teams[0]}`, source: 'team-permission', evidence: `team ${teams[0]} has ${level} permission on ${facts.owner}/${facts.name}` };
    if (teams.length > 1) return { owner: null, source: 'none', evidence: `${teams.length} teams have ${level} permission on ${facts.owner}/${facts.name} (${listed(teams)}) and no CODEOWNERS rule owns its root; name one team in CODEOWNERS` };
  }
  return undefined;
}

/** Evidence from team permissions says when a CODEOWNERS file was there but could not be read. */
function withIgnoredFile(found: Found | undefined, facts: RepositoryFacts): Found | undefined {
  const file = facts.codeowners;
  if (!found || !file || !('ignored' in file)) return found;
  return { ...found, evidence: `${found.evidence} (its ${file.path} was not read: ${file.ignored})` };
}

function nobodyEvidence(facts: RepositoryFacts): string {
  const file = facts.codeowners;
  const codeowners = !file ? 'it has no CODEOWNERS file' : 'ignored' in file ? `its ${file.path} was not read (${file.ignored})` : `no rule of its ${file.path} names a team or person for the repository root`;
  const rejected = facts.rejected.size ? `; ${listed([...facts.rejected].sort())} said it is not theirs` : '';
  const teams = facts.teamsUnread ? "the organisation's team permissions could not be read (the credentials need read:org)" : 'no single team has admin or maintain permission';
  return `${facts.owner}/${facts.name}: ${codeowners}, and ${teams}${rejected}`;
}

/** Names in evidence: the first few, then how many more, so that a rule naming thousands stays a line. */
function listed(names: string[], shown = 5): string {
  return names.length > shown ? `${names.slice(0, shown).join(', ')} and ${names.length - shown} more` : names.join(', ');
}

function refOf(owner: CodeOwner): string | undefined {
  if (owner.kind === 'team') return `group:default/${owner.slug}`;
  if (owner.kind === 'user') return `user:default/${owner.login}`;
  // An email address names nobody Backline can look up by name.
  return undefined;
}

function handleOf(owner: CodeOwner): string {
  return owner.kind === 'team' ? `@${owner.org}/${owner.slug}` : owner.kind === 'user' ? `@${owner.login}` : owner.email;
}

/**
 * A repository name as a valid entity name (letters and digits separated by single `-`, `_` or `.`,
 * at most 63 characters): `.github` becomes `github`.
 */
export function entityNameOf(repository: string): string {
  const name = repository
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .replace(/[._-]{2,}/g, (run) => run[0]!)
    .replace(/^[._-]+/, '')
    .slice(0, 63)
    .replace(/[._-]+$/, '');
  return name || 'repository';
}

/** A topic or language as a Backstage tag (lower case, `[a-z0-9:+#]` words joined by `-`), or undefined. */
function asTag(value: string): string | undefined {
  const tag = value.trim().toLowerCase().replace(/\s+/g, '-');
  return /^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$/.test(tag) && tag.length <= 63 ? tag : undefined;
}
