import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { TemplateSandbox } from '../../src/scaffolder/templating/sandbox';
import { SpareSandboxes } from '../../src/scaffolder/templating/spare';

let sandbox: TemplateSandbox;
beforeAll(async () => {
  sandbox = await TemplateSandbox.start({ timeoutMs: 1500 });
});
afterAll(() => sandbox.close());

const render = async (source: string, values: Record<string, unknown> = {}) => (await sandbox.renderStrings([{ name: 'skeleton/evil.txt', source }], { values }))[0];

describe('the template sandbox', () => {
  // The escapes known for Nunjucks: every global function and string leads to a Function constructor.
  const escapes = [
    '${{ range.constructor("return typeof process")() }}',
    '${{ cycler.constructor("return typeof process")() }}',
    '${{ joiner.constructor("return typeof process")() }}',
    '${{ "".constructor.constructor("return typeof process")() }}',
    '${{ "".constructor.constructor("return typeof require")() }}',
    '${{ "".constructor.constructor("return this")().constructor.constructor("return typeof process")() }}',
    '${{ [].constructor.constructor("try { return typeof this.constructor.constructor(\'return process\')() } catch (e) { return \'undefined\' }")() }}',
    '{% set f = range.constructor %}${{ f("return typeof globalThis.process + typeof globalThis.require + typeof module")() }}',
  ];
  it.each(escapes)('gives %s no process, require or module', async (source) => {
    expect(await render(source)).toMatch(/^(undefined)+$/);
  });

  it('reaches no environment variable and no host file, even with a Function constructor', async () => {
    process.env.BACKLINE_SANDBOX_SECRET = 'hunter2';
    const secretFile = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'backline-sandbox-')), 'secret.txt');
    await fs.writeFile(secretFile, 'the secret');
    // Any text a template author writes can become code through the constructor; here it is a value.
    const code = `try { return JSON.stringify(this.constructor.constructor('return [Object.keys(process.env), require("fs").readFileSync(${JSON.stringify(secretFile)}, "utf8")]')()) } catch (e) { return 'refused: ' + e.message }`;
    const out = (await render('${{ "".constructor.constructor(values.code)() }}', { code }))!;
    expect(out).toMatch(/^refused: /);
    expect(out).not.toContain('hunter2');
    expect(out).not.toContain('the secret');
    delete process.env.BACKLINE_SANDBOX_SECRET;
  });

  it("keeps what one task's template changes in its renderer out of every other task's sandbox", async () => {
    const own = await TemplateSandbox.start();
    try {
      await own.renderStrings([{ name: 'a', source: '${{ "".constructor.constructor("String.prototype.toUpperCase = function () { return \'pwned\' }")() }}' }], {});
      expect((await own.renderStrings([{ name: 'b', source: '${{ "x" | upper }}' }], {}))[0]).toBe('pwned');
    } finally {
      own.close();
    }
    // Another task's sandbox is a different process.
    expect(await render('${{ "x" | upper }}')).toBe('X');
  });

  it('stops a template that loops for too long and names the limit, then keeps serving', async () => {
    const loop = '{% for i in range(0, 100000) %}{% for j in range(0, 100000) %}{% endfor %}{% endfor %}';
    await expect(render(loop)).rejects.toThrow('the template took longer than 1.5 s to render, so it was stopped');
    expect(await render('still ${{ values.ok }}', { ok: 'here' })).toBe('still here');
  });

  it('stops macros that call themselves without end', async () => {
    await expect(render('{% macro f(n) %}${{ f(n + 1) }}{% endmacro %}${{ f(1) }}')).rejects.toThrow(/skeleton\/evil\.txt.*(Maximum call stack size exceeded|took longer than)/);
  });

  it('stops a template that needs more memory than its limit, and fails later renders clearly', async () => {
    const small = await TemplateSandbox.start({ memoryMb: 32 });
    try {
      await expect(small.renderStrings([{ name: 'big', source: '{% for i in range(0, 100000000) %}x{% endfor %}' }], {})).rejects.toThrow('the template needed more than 32 MB of memory to render, so it was stopped');
      await expect(small.renderStrings([{ name: 'after', source: 'x' }], {})).rejects.toThrow('the template needed more than 32 MB');
    } finally {
      small.close();
    }
  });

  it('starts in well under a second', () => {
    expect(sandbox.startupMs).toBeGreaterThan(0);
    expect(sandbox.startupMs).toBeLessThan(1000);
  });
});

describe('spare sandboxes', () => {
  const tamper = '${{ "".constructor.constructor("String.prototype.toUpperCase = function () { return \'pwned\' }")() }}';

  it("hands each task a process of its own: the warmed spare that follows a tampered task's sandbox renders as new", async () => {
    const spares = new SpareSandboxes();
    try {
      const first = await spares.take();
      await first.renderStrings([{ name: 'a', source: tamper }], {});
      expect((await first.renderStrings([{ name: 'b', source: '${{ "x" | upper }}' }], {}))[0]).toBe('pwned');
      first.close();
      await spares.ready();
      const second = await spares.take();
      try {
        expect(second).not.toBe(first);
        expect(await second.renderStrings([{ name: 'c', source: '${{ "x" | upper }} ${{ values.name }}' }], { values: { name: 'ledger' } })).toEqual(['X ledger']);
      } finally {
        second.close();
      }
    } finally {
      spares.close();
    }
  });

  it('gives a task a new sandbox after close(), which stops the spare', async () => {
    const spares = new SpareSandboxes();
    (await spares.take()).close();
    await spares.ready();
    spares.close();
    const after = await spares.take();
    try {
      expect(after.running).toBe(true);
      expect(await after.renderStrings([{ name: 'd', source: 'ok ${{ values.x }}' }], { values: { x: 1 } })).toEqual(['ok 1']);
    } finally {
      after.close();
    }
  });

  it('does not keep Node running while a spare starts and warms up', async () => {
    const script = `
      const { SpareSandboxes } = require(${JSON.stringify(path.resolve(__dirname, '../../src/scaffolder/templating/spare.ts'))});
      const spares = new SpareSandboxes();
      spares.take().then(async (sandbox) => {
        process.stdout.write((await sandbox.renderStrings([{ name: 'x', source: '\${{ values.a }}' }], { values: { a: 'rendered' } }))[0]);
        sandbox.close();
        // The next spare starts now; nothing else is left to do, so the process must end.
      });
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ['-r', path.resolve(__dirname, '../support/transpileOnRequire.js'), '-e', script], { timeout: 20_000 });
    // execFile fails the test if the process is still running after 20 s.
    expect(stdout).toBe('rendered');
  });
});
