import { createCatalogFilePullRequests } from '../../src/scaffolder/catalogFilePullRequests';
import { createGitHubWriter } from '../../src/scaffolder/compose';
import { MemoryGitHubCacheStore } from '../../src/sources/github/cache';
import { startFakeGitHub, type FakeGitHub } from '../support/fakeGithub';

let github: FakeGitHub;

beforeEach(async () => {
  github = await startFakeGitHub();
  github.addRepo('acme', 'payments-api', { files: { 'README.md': '# payments' } });
});
afterEach(() => github.close());

const open = (catalogPath?: string) => {
  const api = createGitHubWriter({ apiUrl: github.url, auth: { kind: 'token', token: 'ghp_backline_test' }, cache: new MemoryGitHubCacheStore() });
  return createCatalogFilePullRequests({ api, webUrl: github.web, catalogPath }).open({ repository: 'acme/payments-api', yaml: 'kind: Component\n', title: 'Add catalog-info.yaml', body: 'Confirmed.' });
};

describe('the pull request Confirm opens', () => {
  it('puts the file where discovery reads it: BACKLINE_GITHUB_CATALOG_PATH', async () => {
    await open('.backstage/catalog-info.yaml');
    const [pull] = github.pullRequests('acme', 'payments-api');
    expect(pull!.files).toEqual({ 'README.md': '# payments', '.backstage/catalog-info.yaml': 'kind: Component\n' });
  });

  it('puts it at the root when the configured glob finds it there', async () => {
    await open('**/catalog-info.yaml');
    expect(Object.keys(github.pullRequests('acme', 'payments-api')[0]!.files)).toContain('catalog-info.yaml');
  });

  it('refuses, saying why, when the glob cannot say where the file goes', async () => {
    await expect(open('services/*/catalog-info.yaml')).rejects.toThrow('Backline reads catalog files matching services/*/catalog-info.yaml (BACKLINE_GITHUB_CATALOG_PATH), and cannot tell where in this repository one should go');
    expect(github.pullRequests('acme', 'payments-api')).toEqual([]);
  });
});
