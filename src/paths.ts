import path from 'node:path';

/**
 * The project folder, whether this code runs from src/ (tests, ts-jest) or from dist/src/ (the
 * compiled CLI): migrations, templates and the demo catalog are read from here.
 */
export const PROJECT_ROOT = path.resolve(__dirname, '..', ...(__dirname.split(path.sep).includes('dist') ? ['..'] : []));

export const MIGRATIONS_DIR = path.join(PROJECT_ROOT, 'migrations');
export const TEMPLATES_DIR = path.join(PROJECT_ROOT, 'templates');
export const DEMO_CATALOG = path.join(PROJECT_ROOT, 'examples', 'demo-catalog', 'catalog-info.yaml');
export const DEMO_TECHDOCS = path.join(PROJECT_ROOT, 'examples', 'demo-techdocs');
export const SLACK_MANIFEST = path.join(PROJECT_ROOT, 'manifest.yml');
