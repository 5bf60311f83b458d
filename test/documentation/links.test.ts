import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

/** The pages people read in the repository: the README, docs/ and the benchmarks' README. */
const PAGES = ['README.md', 'bench/README.md', ...fs.readdirSync(path.join(ROOT, 'docs')).filter((file) => file.endsWith('.md')).map((file) => `docs/${file}`)];

/** Markdown without code, where a `](…)` is text rather than a link. */
function withoutCode(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
}

function linksOf(markdown: string): string[] {
  const text = withoutCode(markdown);
  const inline = [...text.matchAll(/\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/g)].map((match) => match[1]!);
  const references = [...text.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((match) => match[1]!);
  return [...inline, ...references];
}

/** The anchors GitHub gives a page's headings: lower-cased, punctuation dropped, spaces as hyphens, repeats numbered. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const text = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  for (const [, heading] of text.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const words = heading!.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/<[^>]+>/g, '');
    const base = words.toLowerCase().replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '').replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count ? `${base}-${count}` : base);
  }
  return anchors;
}

/** What is wrong with one link of a page, or null when it leads somewhere in the repository. */
function problemWith(page: string, link: string): string | null {
  if (/^https?:\/\//i.test(link) || /^mailto:/i.test(link)) return null;
  if (/^[a-z][a-z0-9+.-]*:/i.test(link)) return 'links only to http(s) addresses or to files in the repository';
  const [target = '', anchor] = link.split('#');
  if (target.startsWith('/')) return 'is absolute; link relative to the page';
  const file = target ? path.resolve(ROOT, path.dirname(page), decodeURIComponent(target)) : path.join(ROOT, page);
  const inRepository = path.relative(ROOT, file);
  if (inRepository.startsWith('..') || path.isAbsolute(inRepository)) return 'leaves the repository';
  if (!fs.existsSync(file)) return `points at ${inRepository}, which does not exist`;
  if (anchor && file.endsWith('.md') && !anchorsOf(fs.readFileSync(file, 'utf8')).has(anchor)) return `points at #${anchor}, which is not a heading of ${inRepository}`;
  return null;
}

describe('links in the documentation', () => {
  it.each(PAGES)('%s links only to files in the repository, and to headings they have', (page) => {
    const links = linksOf(fs.readFileSync(path.join(ROOT, page), 'utf8'));
    const problems = links.map((link) => ({ link, problem: problemWith(page, link) })).filter(({ problem }) => problem !== null).map(({ link, problem }) => `${link} ${problem}`);
    expect(problems).toEqual([]);
  });

  it('finds links, anchors and escapes from the repository as GitHub reads them', () => {
    expect(linksOf('see [a](docs/a.md#b), `[not](x.md)`, [c](https://x.example "t")\n```\n[nor](y.md)\n```\n[r]: ../z.md')).toEqual(['docs/a.md#b', 'https://x.example', '../z.md']);
    expect([...anchorsOf('# The `backline` command\n## backline digest --dry-run\n## Docs\n## Docs\n## `src/cli/`')]).toEqual(['the-backline-command', 'backline-digest---dry-run', 'docs', 'docs-1', 'srccli']);
    expect(problemWith('docs/install.md', '../../shared/DESIGN.md')).toBe('leaves the repository');
    expect(problemWith('README.md', 'docs/nothing-here.md')).toBe('points at docs/nothing-here.md, which does not exist');
    expect(problemWith('README.md', 'docs/cli.md#no-such-heading')).toBe('points at #no-such-heading, which is not a heading of docs/cli.md');
    expect(problemWith('README.md', 'file:///etc/passwd')).toBe('links only to http(s) addresses or to files in the repository');
  });
});
