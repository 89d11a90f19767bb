import { identityProgressView } from '../../gateway/sync-progress';

/** A stream that keeps what is written, as a log file or a terminal would show it. */
function capture(isTTY: boolean) {
  const writes: string[] = [];
  const stream = { isTTY, write: (text: string) => writes.push(text) } as unknown as NodeJS.WriteStream;
  return { stream, writes };
}

describe('the identity sync progress view', () => {
  it('writes a log line at most every two seconds of its clock, naming every system read so far', () => {
    const { stream, writes } = capture(false);
    let now = 0;
    const view = identityProgressView(stream, 2_000, () => now);
    view.update({ system: 'sales', records: 500 });
    now = 1_999;
    view.update({ system: 'credit', records: 500 });
    now = 2_000;
    view.update({ system: 'sales', records: 1_000 });
    view.stop();
    expect(writes).toEqual(['Reading directories: sales 500\n', 'Reading directories: sales 1000, credit 500\n']);
  });

  it('rewrites one line on a terminal and ends it when stopped', () => {
    const { stream, writes } = capture(true);
    const view = identityProgressView(stream);
    view.update({ system: 'sales', records: 500 });
    view.update({ system: 'sales', records: 900 });
    view.stop();
    view.stop();
    expect(writes).toEqual(['\rReading directories: sales 500   ', '\rReading directories: sales 900   ', '\n']);
  });
});
