import fs from 'node:fs';
import path from 'node:path';
import { parseBacklineFile } from '../../src/config';

describe('backline.example.yaml', () => {
  it('is a valid backline.yaml that adds its checks to the default scorecard', () => {
    const file = path.resolve(__dirname, '..', '..', 'backline.example.yaml');
    const config = parseBacklineFile(fs.readFileSync(file, 'utf8'), file).health;
    const ids = config.scorecard.checks.map((check) => check.id);
    expect(ids).toEqual(expect.arrayContaining(['owned-by-a-team', 'pci-services-have-oncall', 'docs-built-this-quarter']));
    expect(ids).not.toContain('recently-maintained');
  });
});

describe('the README', () => {
  it('documents every fact Backline collects', () => {
    const readme = fs.readFileSync(path.resolve(__dirname, '..', '..', 'README.md'), 'utf8');
    const { FACT_NAMES } = require('../../src/health/facts/names') as typeof import('../../src/health/facts/names');
    for (const name of FACT_NAMES) expect(readme).toContain(`| \`${name}\` |`);
  });
});
