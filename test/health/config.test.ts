import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { parseBacklineFile } from '../../src/backlineFile';
import { DEFAULT_HEALTH_SCHEDULE } from '../../src/health/settings';
import { DEFAULT_SCORECARD } from '../../src/health/defaultScorecard';

const FILE = '/etc/backline/backline.yaml';
const check = (overrides: string[] = [], id = 'has-readme') =>
  [`    - id: ${id}`, '      title: Has a README', '      why: Newcomers start there.', '      fix: { text: Add a README.md. }', '      level: silver', '      rule: { all: [{ fact: github.hasReadme, operator: equal, value: true }] }', ...overrides].join('\n');
const problemsOf = (text: string): string => {
  try {
    parseBacklineFile(text, FILE);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the file to be rejected');
};

describe('backline.yaml', () => {
  it('adds checks to the default scorecard, replaces one by id, and disables others', () => {
    const config = parseBacklineFile(['health:', '  disable: [recently-maintained]', '  schedule: "30 * * * *"', '  checks:', check(), check([], 'has-pci-owner').replace('level: silver', 'level: gold')].join('\n'), FILE).health;
    const ids = config.scorecard.checks.map((c) => c.id);
    expect(ids).toContain('has-pci-owner');
    expect(ids).not.toContain('recently-maintained');
    expect(ids.filter((id) => id === 'has-readme')).toHaveLength(1);
    expect(config.scorecard.checks.find((c) => c.id === 'has-readme')).toEqual({ id: 'has-readme', title: 'Has a README', why: 'Newcomers start there.', fix: { text: 'Add a README.md.' }, appliesTo: {}, level: 'silver', rule: { all: [{ fact: 'github.hasReadme', operator: 'equal', value: true }] } });
    expect(config).toMatchObject({ configFile: FILE, schedule: '30 * * * *' });
  });

  it('uses only its own checks with defaultChecks: false, and the defaults for an empty file', () => {
    expect(parseBacklineFile(['health:', '  defaultChecks: false', '  checks:', check()].join('\n'), FILE).health.scorecard.checks.map((c) => c.id)).toEqual(['has-readme']);
    expect(parseBacklineFile('', FILE).health).toEqual({ configFile: FILE, scorecard: { checks: DEFAULT_SCORECARD.checks }, schedule: DEFAULT_HEALTH_SCHEDULE });
  });

  it('rejects unknown facts and operators with the list of valid ones, naming the file, the check and the field', () => {
    const message = problemsOf(['health:', '  checks:', check().replace('fact: github.hasReadme, operator: equal', 'fact: github.readme, operator: equals')].join('\n'));
    expect(message).toContain(`${FILE} is invalid:`);
    expect(message).toContain('- check "has-readme" (health.checks[0]), field rule.all[0].fact: unknown fact "github.readme"; valid facts: hasDescription, lifecycle, hasSystem');
    const operator = problemsOf(['health:', '  checks:', check().replace('operator: equal', 'operator: equals')].join('\n'));
    expect(operator).toContain('field rule.all[0].operator: unknown operator "equals"; valid operators: equal, notEqual, lessThan, lessThanInclusive, greaterThan, greaterThanInclusive, in, notIn, exists');
    expect(operator).toContain('See backline.example.yaml for the format.');
  });

  it('checks values against the type of their fact and the operator', () => {
    const rule = (condition: string) => problemsOf(['health:', '  checks:', check().replace(/rule: .*/, `rule: { any: [{ all: [${condition}] }] }`)].join('\n'));
    expect(rule('{ fact: hasDescription, operator: equal, value: "yes" }')).toContain('field rule.any[0].all[0].value: hasDescription is a boolean: value must be a boolean (true or false)');
    expect(rule('{ fact: lifecycle, operator: greaterThan, value: 3 }')).toContain('greaterThan compares numbers, and lifecycle is a string');
    expect(rule('{ fact: lifecycle, operator: in, value: production }')).toContain('with in, value must be a list, e.g. [production, experimental]');
    expect(rule('{ fact: docs.ageDays, operator: lessThan, value: "90" }')).toContain('with lessThan, value must be a number');
  });

  it('names bad levels, ids, kinds, missing fields, unknown fields and duplicates', () => {
    const message = problemsOf(['health:', '  disable: [no-such-check]', '  checks:', check(['      owner: me']).replace('level: silver', 'level: platinum').replace('title: Has a README', 'title: ""'), check([], 'Bad_Id'), check(['      appliesTo: { kinds: [Service] }'], 'twice'), check([], 'twice')].join('\n'));
    expect(message).toContain('check "has-readme" (health.checks[0]), field level: must be one of bronze, silver, gold');
    expect(message).toContain('check "has-readme" (health.checks[0]), field title: must say what the check asks');
    expect(message).toContain("check \"has-readme\" (health.checks[0]): Unrecognized key(s) in object: 'owner'");
    expect(message).toContain('check "Bad_Id" (health.checks[1]), field id: must be lowercase words joined by hyphens, e.g. has-readme');
    expect(message).toContain('check "twice" (health.checks[2]), field appliesTo.kinds: must be catalog kinds: Component, API');
    const duplicates = problemsOf(['health:', '  disable: [no-such-check]', '  checks:', check([], 'twice'), check([], 'twice')].join('\n'));
    expect(duplicates).toContain('- check "twice": the id is used twice in health.checks; give each check its own id.');
    expect(duplicates).toContain('- health.disable: there is no check "no-such-check"; checks: owned-by-a-team');
    expect(problemsOf('health: [\n')).toContain(`${FILE} is not valid YAML`);
    expect(problemsOf('helath: {}\n')).toContain("the file: Unrecognized key(s) in object: 'helath'");
  });

  it('reads BACKLINE_CONFIG, else ./backline.yaml when it exists, and says when the file named cannot be read', () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'backline-config-'));
    const cwd = process.cwd();
    try {
      process.chdir(folder);
      expect(loadConfig({}).health).toEqual({ configFile: null, scorecard: DEFAULT_SCORECARD, schedule: DEFAULT_HEALTH_SCHEDULE });
      fs.writeFileSync('backline.yaml', 'health:\n  disable: [has-readme]\n');
      expect(loadConfig({}).health.configFile).toBe(path.join(fs.realpathSync(folder), 'backline.yaml'));
      expect(loadConfig({}).health.scorecard.checks.map((c) => c.id)).not.toContain('has-readme');
      expect(() => loadConfig({ BACKLINE_CONFIG: 'elsewhere.yaml' })).toThrow(/BACKLINE_CONFIG: .*elsewhere\.yaml cannot be read/);
    } finally {
      process.chdir(cwd);
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});
