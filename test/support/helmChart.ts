/**
 * Renders a Helm chart's templates as `helm template` would, with test/support/goTemplate.ts: the
 * chart's values.yaml under the given overrides (merged as Helm merges them: maps key by key, null
 * removes a key), and each manifest parsed into its YAML documents.
 */
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { TemplateSet } from './goTemplate';

export interface RenderedChart {
  /** Every document of every manifest, in file order, with the file it came from. */
  documents: Array<{ file: string; manifest: Record<string, unknown> }>;
  notes: string;
}

export interface Release {
  name?: string;
  namespace?: string;
}

export function renderChart(chartDir: string, overrides: Record<string, unknown> = {}, release: Release = {}): RenderedChart {
  const chart = yaml.load(fs.readFileSync(path.join(chartDir, 'Chart.yaml'), 'utf8')) as Record<string, unknown>;
  const defaults = yaml.load(fs.readFileSync(path.join(chartDir, 'values.yaml'), 'utf8')) as Record<string, unknown>;
  const name = String(chart.name);
  const basePath = `${name}/templates`;
  const files = fs.readdirSync(path.join(chartDir, 'templates')).sort();
  const templates = new TemplateSet();
  for (const file of files) templates.add(`${basePath}/${file}`, fs.readFileSync(path.join(chartDir, 'templates', file), 'utf8'));

  const top = (file: string) => ({
    Values: mergeValues(defaults, overrides),
    Release: { Name: release.name ?? 'backline', Namespace: release.namespace ?? 'default', Service: 'Helm', IsInstall: true, IsUpgrade: false },
    Chart: { Name: name, Version: chart.version, AppVersion: chart.appVersion },
    Template: { Name: `${basePath}/${file}`, BasePath: basePath },
  });
  const documents: RenderedChart['documents'] = [];
  for (const file of files.filter((file) => !file.startsWith('_') && file.endsWith('.yaml'))) {
    const rendered = templates.render(`${basePath}/${file}`, top(file));
    for (const manifest of yaml.loadAll(rendered)) {
      if (manifest != null) documents.push({ file, manifest: manifest as Record<string, unknown> });
    }
  }
  const notes = files.includes('NOTES.txt') ? templates.render(`${basePath}/NOTES.txt`, top('NOTES.txt')) : '';
  return { documents, notes };
}

/** Helm's coalescing of values: overrides win, maps merge key by key, and null deletes a default. */
export function mergeValues(defaults: Record<string, unknown>, overrides: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(overrides)) {
    const base = merged[key];
    if (value === null) delete merged[key];
    else if (isMap(value) && isMap(base)) merged[key] = mergeValues(base, value);
    else merged[key] = value;
  }
  return merged;
}

const isMap = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
