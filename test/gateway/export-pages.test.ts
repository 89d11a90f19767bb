import { PagesAhead } from '../../gateway/export-pages';

/** A promise the test settles by hand. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

/** Lets every settled promise's callbacks run. */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A list whose pages and cursors answer when the test says, recording what was asked. */
function fakeList() {
  const pages = new Map<string, ReturnType<typeof deferred<string>>>();
  const cursors = new Map<string, ReturnType<typeof deferred<string | null>>>();
  const asked = { pages: [] as string[], cursors: [] as string[] };
  const entry = <T>(map: Map<string, ReturnType<typeof deferred<T>>>, key: string) => {
    if (!map.has(key)) map.set(key, deferred<T>());
    return map.get(key)!;
  };
  return {
    asked,
    page: (after: string) => entry(pages, after),
    cursor: (after: string) => entry(cursors, after),
    readPage: (after: string) => {
      asked.pages.push(after);
      return entry(pages, after).promise;
    },
    readCursor: (after: string) => {
      asked.cursors.push(after);
      return entry(cursors, after).promise;
    },
  };
}

/** A reader over a fresh fake list: `ahead` pages at most, every page wanted unless told. */
function readerOver(ahead: number, wanted: (n: number) => boolean = () => true) {
  const list = fakeList();
  return { list, reader: new PagesAhead({ ...list, ahead, wanted }) };
}

describe('PagesAhead, the export reading pages ahead of the one it writes', () => {
  it('starts the next page at once and, once its cursor is learnt, the one after, never more than `ahead`', async () => {
    const { list, reader } = readerOver(2);
    reader.expect('c1');
    expect(list.asked.pages).toEqual(['c1']);
    expect(list.asked.cursors).toEqual(['c1']);
    list.cursor('c1').resolve('c2');
    await flush();
    expect(list.asked.pages).toEqual(['c1', 'c2']);
    // Two run: the cursor after c2 is not even asked for until one is taken.
    list.cursor('c2').resolve('c3');
    await flush();
    expect(list.asked.pages).toEqual(['c1', 'c2']);

    list.page('c1').resolve('page after c1');
    await expect(reader.take('c1')).resolves.toBe('page after c1');
    reader.expect('c2'); // what the writer does when that page said its next cursor is c2
    await flush();
    expect(list.asked.pages).toEqual(['c1', 'c2', 'c3']);
    list.page('c2').resolve('page after c2');
    await expect(reader.take('c2')).resolves.toBe('page after c2');
    // Each page was read once.
    expect(list.asked.pages.filter((after) => after === 'c2')).toHaveLength(1);
  });

  it('never uses a page read under a cursor the list did not give, and reads the right one instead', async () => {
    const { list, reader } = readerOver(2);
    reader.expect('c1');
    list.cursor('c1').resolve('predicted');
    await flush();
    expect(list.asked.pages).toEqual(['c1', 'predicted']);
    list.page('c1').resolve('page after c1');
    await reader.take('c1');
    // The list changed: the page itself ended with another cursor.
    const taken = reader.take('actual');
    expect(list.asked.pages).toEqual(['c1', 'predicted', 'actual']);
    list.page('actual').resolve('page after actual');
    list.page('predicted').resolve('stale page');
    await expect(taken).resolves.toBe('page after actual');
  });

  it('reads nothing ahead that a row limit would not write', async () => {
    // The export writes pages 1 and 2 only.
    const { list, reader } = readerOver(2, (n) => n <= 2);
    reader.expect('c1');
    list.cursor('c1').resolve('c2');
    await flush();
    expect(list.asked.pages).toEqual(['c1']);
  });

  it('goes on one page at a time when a cursor cannot be learnt ahead, with no unhandled rejection', async () => {
    const { list, reader } = readerOver(2);
    reader.expect('c1');
    list.cursor('c1').reject(new Error('the store stalled'));
    await flush();
    expect(list.asked.pages).toEqual(['c1']);
    list.page('c1').resolve('page after c1');
    await expect(reader.take('c1')).resolves.toBe('page after c1');
  });

  it('reports a page read ahead that failed when it is taken, not before (and not if it never is)', async () => {
    const { list, reader } = readerOver(2);
    reader.expect('c1');
    list.cursor('c1').resolve('c2');
    await flush();
    list.page('c2').reject(new Error('accounting is down'));
    await flush();
    list.page('c1').resolve('page after c1');
    await expect(reader.take('c1')).resolves.toBe('page after c1');
    await expect(reader.take('c2')).rejects.toThrow('accounting is down');
  });

  it('stops following a list whose cursors go round in a loop, instead of chasing it for ever', async () => {
    const { list, reader } = readerOver(4);
    // A system that ignores `after`: the page after c1 ends with c1 again.
    reader.expect('c1');
    list.cursor('c1').resolve('c1');
    await flush();
    expect(list.asked.pages).toEqual(['c1']);
    // And a loop of two.
    const { list: other, reader: looping } = readerOver(4);
    looping.expect('x');
    other.cursor('x').resolve('y');
    other.cursor('y').resolve('x');
    await flush();
    expect(other.asked.pages).toEqual(['x', 'y']);
  });

  it('lets no look-ahead begun before a reset start pages after it', async () => {
    const { list, reader } = readerOver(4);
    reader.expect('c1');
    // The list gave another cursor than the one read ahead: everything running is dropped.
    void reader.take('elsewhere');
    list.cursor('c1').resolve('c2');
    await flush();
    expect(list.asked.pages).toEqual(['c1', 'elsewhere']);
  });

  it('starts nothing more once stopped', async () => {
    const { list, reader } = readerOver(2);
    reader.expect('c1');
    reader.stop();
    list.cursor('c1').resolve('c2');
    await flush();
    reader.expect('c2');
    expect(list.asked.pages).toEqual(['c1']);
    expect(list.asked.cursors).toEqual(['c1']);
  });
});
