import fs from 'node:fs';
import path from 'node:path';

/**
 * Where a run's time went: server time per statement (from PostgreSQL's log with
 * log_min_duration_statement = 0) and node's CPU profile (from --cpu-prof), summarised.
 */

/** Sums `duration:` log lines by the first words of their statement. */
export function statementTimes(logText: string): Array<{ statement: string; calls: number; seconds: number }> {
  const totals = new Map<string, { calls: number; ms: number }>();
  for (const line of logText.split('\n')) {
    const match = /duration: ([\d.]+) ms\s+(?:statement|execute [^:]*|parse [^:]*|bind [^:]*):\s*(.*)$/.exec(line);
    if (!match) continue;
    const key = match[2]!.trim().split(/\s+/).slice(0, 5).join(' ').slice(0, 70) || '(continued)';
    const entry = totals.get(key) ?? { calls: 0, ms: 0 };
    entry.calls++;
    entry.ms += Number(match[1]);
    totals.set(key, entry);
  }
  return [...totals].map(([statement, { calls, ms }]) => ({ statement, calls, seconds: ms / 1000 })).sort((a, b) => b.seconds - a.seconds);
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

/** Self time per function and inclusive time per function, from a .cpuprofile file. */
export function cpuProfileSummary(file: string, top = 15): { totalSeconds: number; self: Array<[string, number]>; inclusive: Array<[string, number]> } {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const label = (node: ProfileNode) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${url.replace(/^.*\/(node_modules\/|dist\/)/, '$1').replace(/^file:\/\//, '')}:${lineNumber + 1}` : '';
    return `${functionName || '(anonymous)'} ${where}`.trim();
  };
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, index) => {
    const micros = profile.timeDeltas[index] ?? 0;
    total += micros;
    const node = nodes.get(id)!;
    self.set(label(node), (self.get(label(node)) ?? 0) + micros);
    const seen = new Set<string>();
    for (let current: number | undefined = id; current !== undefined; current = parent.get(current)) {
      const key = label(nodes.get(current)!);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + micros);
    }
  });
  const sorted = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1]).slice(0, top).map(([key, micros]) => [key, micros / 1e6] as [string, number]);
  return { totalSeconds: total / 1e6, self: sorted(self), inclusive: sorted(new Map([...inclusive].filter(([key]) => !/^\(root\)|run_main|Module\.|executeUserEntryPoint|processTicksAndRejections|runMicrotasks/.test(key)))) };
}

export function newestFile(folder: string, suffix: string): string | undefined {
  const files = fs.existsSync(folder) ? fs.readdirSync(folder).filter((file) => file.endsWith(suffix)) : [];
  return files.length ? path.join(folder, files.sort().at(-1)!) : undefined;
}
