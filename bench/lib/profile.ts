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

/**
 * The longest stretches of a .cpuprofile in which the thread never went idle and kept running
 * under the same outermost callback: each is one long task, or tasks queued back to back, which is
 * what holds up everything else on the event loop. For each: its length and the frames it spent
 * the most time in (inclusive), outermost callbacks left out.
 */
export function longestBusyStretches(file: string, count = 5, frames = 6): Array<{ ms: number; atSeconds: number; frames: Array<[string, number]> }> {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const root = profile.nodes[0]!.id;
  const outermost = (id: number) => {
    let current = id;
    while (parent.get(current) !== undefined && parent.get(current) !== root) current = parent.get(current)!;
    return current;
  };
  const label = (node: ProfileNode) => `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.replace(/^.*\/(node_modules\/|dist\/)/, '$1').replace(/^file:\/\//, '')}:${node.callFrame.lineNumber + 1}`;
  const stretches: Array<{ ms: number; start: number; samples: Array<[number, number]> }> = [];
  let current: { ms: number; start: number; samples: Array<[number, number]>; outer: number } | undefined;
  let clock = 0;
  profile.samples.forEach((id, index) => {
    const micros = profile.timeDeltas[index] ?? 0;
    clock += micros;
    const name = nodes.get(id)!.callFrame.functionName;
    const idle = name === '(idle)' || name === '(program)';
    const outer = outermost(id);
    if (idle || (current && current.outer !== outer && name !== '(garbage collector)')) {
      if (current) stretches.push(current);
      current = undefined;
    }
    if (idle) return;
    current ??= { ms: 0, start: clock, samples: [], outer };
    current.ms += micros / 1000;
    current.samples.push([id, micros]);
  });
  if (current) stretches.push(current);
  const outerLabels = new Set(['(root)', 'processTicksAndRejections', 'processImmediate', 'listOnTimeout', 'processTimers', 'runMicrotasks', '(garbage collector)']);
  return stretches
    .sort((a, b) => b.ms - a.ms)
    .slice(0, count)
    .map((stretch) => {
      const inclusive = new Map<string, number>();
      for (const [id, micros] of stretch.samples) {
        const seen = new Set<string>();
        for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
          const node = nodes.get(at)!;
          const key = label(node);
          if (seen.has(key) || outerLabels.has(node.callFrame.functionName) || !node.callFrame.url) continue;
          seen.add(key);
          inclusive.set(key, (inclusive.get(key) ?? 0) + micros / 1000);
        }
      }
      const top = [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, frames);
      return { ms: stretch.ms, atSeconds: stretch.start / 1e6, frames: top };
    });
}
