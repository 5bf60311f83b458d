import { concurrencyLimit } from '../../src/db/concurrencyLimit';

/** A piece of work that runs until it is released, recording when it started. */
function gatedWork(started: string[]) {
  const releases = new Map<string, (value: string) => void>();
  const failures = new Map<string, (error: Error) => void>();
  return {
    piece: (name: string) => () =>
      new Promise<string>((resolve, reject) => {
        started.push(name);
        releases.set(name, resolve);
        failures.set(name, reject);
      }),
    release: (name: string) => releases.get(name)!(name),
    fail: (name: string) => failures.get(name)!(new Error(`${name} failed`)),
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('a concurrency limit', () => {
  it('runs at most its limit at once and starts the others in the order they came', async () => {
    const started: string[] = [];
    const work = gatedWork(started);
    const limited = concurrencyLimit(2);
    const results = ['a', 'b', 'c', 'd'].map((name) => limited(work.piece(name)));
    await settle();
    expect(started).toEqual(['a', 'b']);

    work.release('b');
    await settle();
    expect(started).toEqual(['a', 'b', 'c']);
    work.release('a');
    await settle();
    expect(started).toEqual(['a', 'b', 'c', 'd']);
    work.release('c');
    work.release('d');
    await expect(Promise.all(results)).resolves.toEqual(['a', 'b', 'c', 'd']);
  });

  it('gives a failed piece its error and its place to the next in line', async () => {
    const started: string[] = [];
    const work = gatedWork(started);
    const limited = concurrencyLimit(1);
    const first = limited(work.piece('first'));
    const second = limited(work.piece('second'));
    await settle();
    work.fail('first');
    await expect(first).rejects.toThrow('first failed');
    await settle();
    expect(started).toEqual(['first', 'second']);
    work.release('second');
    await expect(second).resolves.toBe('second');

    // With nothing waiting, the place is free again.
    const third = limited(work.piece('third'));
    await settle();
    expect(started).toEqual(['first', 'second', 'third']);
    work.release('third');
    await expect(third).resolves.toBe('third');
  });
});
