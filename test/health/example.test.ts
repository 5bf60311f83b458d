import fs from 'node:fs';
import path from 'node:path';
import { refusalOf } from '../../src/catalog/rules';
import { parseBacklineFile } from '../../src/backlineFile';

describe('backline.example.yaml', () => {
  it('is a valid backline.yaml that adds its checks to the default scorecard', () => {
    const file = path.resolve(__dirname, '..', '..', 'backline.example.yaml');
    const config = parseBacklineFile(fs.readFileSync(file, 'utf8'), file).health;
    const ids = config.scorecard.checks.map((check) => check.id);
    expect(ids).toEqual(expect.arrayContaining(['owned-by-a-team', 'pci-services-have-oncall', 'docs-built-this-quarter']));
    expect(ids).not.toContain('recently-maintained');
  });

  it('holds catalog rules that take people and teams from the org-chart repository only', () => {
    const file = path.resolve(__dirname, '..', '..', 'backline.example.yaml');
    const { catalogRules } = parseBacklineFile(fs.readFileSync(file, 'utf8'), file);
    const from = (repo: string) => ({ type: 'url', target: `https://github.com/acme/${repo}/blob/main/catalog-info.yaml`, repository: { owner: 'acme', repo } });
    expect(refusalOf(catalogRules, { kind: 'User' }, from('org-chart'))).toBeNull();
    expect(refusalOf(catalogRules, { kind: 'User' }, from('payments-api'))).toMatch(/^User entities are not allowed/);
    expect(refusalOf(catalogRules, { kind: 'Template', spec: { type: 'service' } }, from('platform-templates'))).toBeNull();
  });
});

describe('docs/health.md', () => {
  it('documents every fact Backline collects', () => {
    const page = fs.readFileSync(path.resolve(__dirname, '..', '..', 'docs', 'health.md'), 'utf8');
    const { FACT_NAMES } = require('../../src/health/facts/names') as typeof import('../../src/health/facts/names');
    for (const name of FACT_NAMES) expect(page).toContain(`| \`${name}\` |`);
  });
});
