import { DEFAULT_SCORECARD } from '../../src/health/defaultScorecard';
import type { CheckDefinition, FactCondition, Facts, Level } from '../../src/health/model';
import { appliesTo, evaluateChecks, evaluateRule, levelOf, scoreOf, teamLevelOf } from '../../src/health/rules';
import { teamScoreOf } from '../../src/health/scoring';

const facts: Facts = { hasDescription: true, lifecycle: 'production', 'docs.ageDays': 10, 'github.hasReadme': null };
const when = (fact: string, operator: FactCondition['operator'], value?: FactCondition['value']): FactCondition => ({ fact, operator, ...(value !== undefined && { value }) });

describe('rule evaluation', () => {
  it.each([
    ['equal', when('hasDescription', 'equal', true), 'pass'],
    ['equal', when('lifecycle', 'equal', 'experimental'), 'fail'],
    ['notEqual', when('lifecycle', 'notEqual', 'deprecated'), 'pass'],
    ['notEqual', when('hasDescription', 'notEqual', true), 'fail'],
    ['lessThan', when('docs.ageDays', 'lessThan', 11), 'pass'],
    ['lessThan', when('docs.ageDays', 'lessThan', 10), 'fail'],
    ['lessThanInclusive', when('docs.ageDays', 'lessThanInclusive', 10), 'pass'],
    ['lessThanInclusive', when('docs.ageDays', 'lessThanInclusive', 9), 'fail'],
    ['greaterThan', when('docs.ageDays', 'greaterThan', 9), 'pass'],
    ['greaterThan', when('docs.ageDays', 'greaterThan', 10), 'fail'],
    ['greaterThanInclusive', when('docs.ageDays', 'greaterThanInclusive', 10), 'pass'],
    ['greaterThanInclusive', when('docs.ageDays', 'greaterThanInclusive', 11), 'fail'],
    ['in', when('lifecycle', 'in', ['production', 'experimental']), 'pass'],
    ['in', when('lifecycle', 'in', ['deprecated']), 'fail'],
    ['notIn', when('lifecycle', 'notIn', ['deprecated']), 'pass'],
    ['notIn', when('lifecycle', 'notIn', ['production']), 'fail'],
    ['exists', when('lifecycle', 'exists'), 'pass'],
    ['exists', when('github.hasReadme', 'exists'), 'fail'],
    ['exists (false)', when('github.hasReadme', 'exists', false), 'pass'],
  ] as const)('%s: %j is %s', (_, condition, outcome) => {
    expect(evaluateRule(condition, facts)).toBe(outcome);
  });

  it('says unknown, not fail, when a fact could not be learned or was never collected', () => {
    expect(evaluateRule(when('github.hasReadme', 'equal', true), facts)).toBe('unknown');
    expect(evaluateRule(when('github.hasReadme', 'notEqual', true), facts)).toBe('unknown');
    expect(evaluateRule(when('github.daysSinceLastCommit', 'lessThan', 30), facts)).toBe('unknown');
  });

  it('fails a comparison of a number with a fact that is not one', () => {
    expect(evaluateRule(when('lifecycle', 'greaterThan', 3), facts)).toBe('fail');
  });

  it('combines all and any three-valued, through nesting', () => {
    const pass = when('hasDescription', 'equal', true);
    const fail = when('hasDescription', 'equal', false);
    const unknown = when('github.hasReadme', 'equal', true);
    expect(evaluateRule({ all: [pass, pass] }, facts)).toBe('pass');
    expect(evaluateRule({ all: [pass, unknown] }, facts)).toBe('unknown');
    expect(evaluateRule({ all: [unknown, fail] }, facts)).toBe('fail');
    expect(evaluateRule({ any: [fail, pass] }, facts)).toBe('pass');
    expect(evaluateRule({ any: [fail, unknown] }, facts)).toBe('unknown');
    expect(evaluateRule({ any: [unknown, pass] }, facts)).toBe('pass');
    expect(evaluateRule({ any: [fail, fail] }, facts)).toBe('fail');
    expect(evaluateRule({ all: [pass, { any: [fail, { all: [pass, when('docs.ageDays', 'lessThan', 30)] }] }] }, facts)).toBe('pass');
    expect(evaluateRule({ all: [pass, { any: [fail, { all: [pass, unknown] }] }] }, facts)).toBe('unknown');
  });
});

describe('applicability', () => {
  const service = { kind: 'component', type: 'service', lifecycle: 'production', tags: ['java', 'pci'] };

  it('matches everything when a field is absent, and compares values without regard to case', () => {
    expect(appliesTo({}, service)).toBe(true);
    expect(appliesTo({ kinds: ['Component'], types: ['SERVICE'], lifecycles: ['production'] }, service)).toBe(true);
    expect(appliesTo({ kinds: ['API'] }, service)).toBe(false);
    expect(appliesTo({ types: ['website'] }, service)).toBe(false);
    expect(appliesTo({ lifecycles: ['experimental'] }, service)).toBe(false);
  });

  it('needs one shared tag, and a value for a field it restricts', () => {
    expect(appliesTo({ tags: ['PCI', 'gdpr'] }, service)).toBe(true);
    expect(appliesTo({ tags: ['gdpr'] }, service)).toBe(false);
    expect(appliesTo({ lifecycles: ['production'] }, { ...service, lifecycle: null })).toBe(false);
  });

  it('leaves out checks that do not apply, and marks waived ones not applicable', () => {
    const statuses = evaluateChecks(DEFAULT_SCORECARD.checks, { kind: 'api', type: 'openapi', lifecycle: 'production', tags: [] }, { hasDescription: false, lifecycle: 'production' }, new Set(['has-description']));
    expect(statuses.map(({ check, status }) => [check.id, status])).toEqual([
      ['owned-by-a-team', 'unknown'],
      ['has-description', 'not_applicable'],
      ['has-lifecycle', 'pass'],
      ['team-has-members', 'unknown'],
      ['team-has-slack-channel', 'unknown'],
      ['part-of-a-system', 'unknown'],
    ]);
  });
});

describe('scores and levels', () => {
  const result = (level: Level, status: 'pass' | 'fail' | 'unknown' | 'not_applicable') => ({ level, status });

  it('scores the passing share of the checks that count, and nothing when none count', () => {
    expect(scoreOf(['pass', 'fail', 'unknown', 'not_applicable', 'pass'])).toBe(66.7);
    expect(scoreOf(['unknown', 'not_applicable'])).toBeNull();
    expect(scoreOf([])).toBeNull();
  });

  it('reaches the highest level whose checks and every lower level’s pass', () => {
    expect(levelOf([result('bronze', 'pass'), result('silver', 'pass'), result('gold', 'pass')])).toBe('gold');
    expect(levelOf([result('bronze', 'pass'), result('silver', 'pass'), result('gold', 'fail')])).toBe('silver');
    expect(levelOf([result('bronze', 'pass'), result('silver', 'fail'), result('gold', 'pass')])).toBe('bronze');
    expect(levelOf([result('bronze', 'fail'), result('silver', 'pass')])).toBeNull();
  });

  it('lets unknown and not-applicable checks neither hold a level back nor earn one', () => {
    expect(levelOf([result('bronze', 'pass'), result('silver', 'unknown'), result('gold', 'not_applicable')])).toBe('bronze');
    expect(levelOf([result('bronze', 'pass'), result('silver', 'unknown'), result('gold', 'pass')])).toBe('gold');
    expect(levelOf([result('bronze', 'unknown')])).toBeNull();
  });

  it("gives a team its weakest counted entity's level, and the passing share across all their checks", () => {
    expect(teamLevelOf([{ level: 'gold', counted: true }, { level: 'bronze', counted: true }, { level: null, counted: false }])).toBe('bronze');
    expect(teamLevelOf([{ level: 'gold', counted: true }, { level: null, counted: true }])).toBeNull();
    expect(teamLevelOf([{ level: null, counted: false }])).toBeNull();
    const entity = (statuses: Array<'pass' | 'fail' | 'unknown'>, level: Level | null) => ({
      ref: 'component:default/x', displayName: 'x', kind: 'component', type: null, lifecycle: null, level,
      score: scoreOf(statuses), results: statuses.map((status) => ({ entityRef: 'component:default/x', checkId: 'c', status, since: new Date(0), evaluatedAt: new Date(0) })),
    });
    // 3 of 4 counted checks pass across the two entities (the unknown one counts for neither).
    expect(teamScoreOf([entity(['pass', 'pass'], 'gold'), entity(['pass', 'fail', 'unknown'], 'bronze')])).toEqual({ score: 75, level: 'bronze' });
  });
});

describe('the default scorecard', () => {
  it('says why each check matters and how to fix it, at every level', () => {
    const checks: CheckDefinition[] = DEFAULT_SCORECARD.checks;
    expect(new Set(checks.map((check) => check.level))).toEqual(new Set(['bronze', 'silver', 'gold']));
    expect(new Set(checks.map((check) => check.id)).size).toBe(checks.length);
    for (const check of checks) {
      expect(check.why.length).toBeGreaterThan(20);
      expect(check.fix.text.length).toBeGreaterThan(10);
    }
  });
});
