import fs from 'node:fs';
import { CONFIGURATION_DOCS, environmentVariables, renderConfigurationDocs } from '../../scripts/configuration-docs';
import { EnvSchema } from '../../src/config';

describe('docs/configuration.md', () => {
  it('gives every environment variable of the schema a default and a meaning', () => {
    const variables = environmentVariables();
    expect(variables.map((variable) => variable.name)).toEqual(Object.keys(EnvSchema.shape));
    for (const variable of variables) expect(variable.description.length).toBeGreaterThan(20);
    expect(variables.find((variable) => variable.name === 'BACKLINE_MAX_FILE_BYTES')?.defaultValue).toBe(2 * 1024 * 1024);
    expect(variables.find((variable) => variable.name === 'BACKLINE_GITHUB_INFER')?.defaultValue).toBe('true');
    expect(variables.find((variable) => variable.name === 'BACKLINE_GITHUB_INCLUDE_FORKS')?.defaultValue).toBe('false');
    expect(variables.find((variable) => variable.name === 'DATABASE_URL')?.defaultValue).toBeUndefined();
  });

  it('is what `npm run docs:config` generates from src/config.ts', () => {
    const written = fs.readFileSync(CONFIGURATION_DOCS, 'utf8');
    const generated = renderConfigurationDocs();
    if (written !== generated) {
      const lines = written.split('\n');
      const at = generated.split('\n').findIndex((line, index) => line !== lines[index]);
      throw new Error(
        `docs/configuration.md is not what scripts/configuration-docs.ts generates from src/config.ts (first difference at line ${at + 1}).\n` +
          'Run `npm run docs:config` and commit docs/configuration.md; edit EnvSchema or WHERE_TO_GET in src/config.ts, not the page.',
      );
    }
    for (const name of Object.keys(EnvSchema.shape)) expect(written).toContain(`| \`${name}\` |`);
  });
});
