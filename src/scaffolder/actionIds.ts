/** The scaffolder actions Backline runs; templates naming others load, but cannot run. */
export const ACTION_IDS: readonly string[] = ['fetch:template', 'fetch:template:file', 'fetch:plain', 'publish:github', 'publish:local', 'catalog:register', 'debug:log'];
