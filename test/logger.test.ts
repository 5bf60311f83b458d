import { createLogger, currentLogFields, newRequestId, withLogFields } from '../src/logger';

function recorder() {
  const lines: Array<Record<string, unknown>> = [];
  return { lines, logger: createLogger({ write: (line) => void lines.push(JSON.parse(line) as Record<string, unknown>) }) };
}

describe("a request's log fields", () => {
  it('are on every line logged while the request runs, by any logger, and in work it started', async () => {
    const { lines, logger } = recorder();
    const provider = logger.child({ component: 'oncall' });
    let later!: Promise<void>;
    await withLogFields({ requestId: 'r-1' }, async () => {
      logger.info('received');
      await new Promise((resolve) => setTimeout(resolve, 5));
      provider.warn('PagerDuty is slow');
      later = new Promise<void>((resolve) => setTimeout(resolve, 20)).then(() => logger.info('answered through response_url'));
    });
    logger.info('between requests');
    await later;
    expect(lines.map(({ msg, requestId, component }) => ({ msg, requestId, component }))).toEqual([
      { msg: 'received', requestId: 'r-1', component: undefined },
      { msg: 'PagerDuty is slow', requestId: 'r-1', component: 'oncall' },
      { msg: 'between requests', requestId: undefined, component: undefined },
      { msg: 'answered through response_url', requestId: 'r-1', component: undefined },
    ]);
  });

  it('add to the fields of the request around them', () => {
    withLogFields({ requestId: 'r-2' }, () => withLogFields({ envelopeId: 'e-2' }, () => expect(currentLogFields()).toEqual({ requestId: 'r-2', envelopeId: 'e-2' })));
    expect(currentLogFields()).toEqual({});
  });

  it('give way to the fields a line is logged with', () => {
    const { lines, logger } = recorder();
    withLogFields({ requestId: 'r-3', userId: 'U1' }, () => logger.child({ userId: 'U2' }).info('pressed'));
    expect(lines[0]).toMatchObject({ requestId: 'r-3', userId: 'U2' });
  });
});

it('makes request ids of 16 hex digits that do not repeat', () => {
  const ids = new Set(Array.from({ length: 1000 }, () => newRequestId()));
  expect(ids.size).toBe(1000);
  for (const id of ids) expect(id).toMatch(/^[0-9a-f]{16}$/);
});
