import { batchPerTurn } from '../../src/db/batch';

/** A loadMany that records each batch it was given and answers every key doubled. */
function recordingDoubler() {
  const batches: number[][] = [];
  const loadMany = async (keys: number[]) => {
    batches.push([...keys]);
    return keys.map((key) => key * 2);
  };
  return { batches, loadMany };
}

describe('reads batched per turn of the event loop', () => {
  it('asked for in the same turn are loaded together, and each gets its own answer in order', async () => {
    const { batches, loadMany } = recordingDoubler();
    const read = batchPerTurn(loadMany, { maxBatch: 100 });
    expect(await Promise.all([read(1), read(2), read(3), read(2)])).toEqual([2, 4, 6, 4]);
    expect(batches).toEqual([[1, 2, 3, 2]]);
  });

  it('asked for in different turns are loaded apart', async () => {
    const { batches, loadMany } = recordingDoubler();
    const read = batchPerTurn(loadMany, { maxBatch: 100 });
    expect(await read(1)).toBe(2);
    expect(await read(5)).toBe(10);
    expect(batches).toEqual([[1], [5]]);
  });

  it('send a full batch at once and start the next', async () => {
    const { batches, loadMany } = recordingDoubler();
    const read = batchPerTurn(loadMany, { maxBatch: 2 });
    expect(await Promise.all([1, 2, 3, 4, 5].map(read))).toEqual([2, 4, 6, 8, 10]);
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('all fail with the load\'s error when it fails, thrown or rejected, and later reads still load', async () => {
    let failure: 'throw' | 'reject' | undefined = 'throw';
    const read = batchPerTurn(
      (keys: number[]) => {
        if (failure === 'throw') throw new Error('database unreachable');
        if (failure === 'reject') return Promise.reject(new Error('statement timeout'));
        return Promise.resolve(keys.map(String));
      },
      { maxBatch: 100 },
    );
    await expect(Promise.all([read(1), read(2)])).rejects.toThrow('database unreachable');
    failure = 'reject';
    const settled = await Promise.allSettled([read(1), read(2)]);
    expect(settled.map((outcome) => outcome.status === 'rejected' && (outcome.reason as Error).message)).toEqual(['statement timeout', 'statement timeout']);
    failure = undefined;
    expect(await read(3)).toBe('3');
  });

  it('fail, all of them, when the load answers fewer keys than it was given', async () => {
    const read = batchPerTurn(async (keys: number[]) => keys.slice(1), { maxBatch: 100 });
    const settled = await Promise.allSettled([read(1), read(2)]);
    expect(settled.map((outcome) => outcome.status === 'rejected' && (outcome.reason as Error).message)).toEqual(['a batched read answered 1 of 2 keys', 'a batched read answered 1 of 2 keys']);
  });
});
