import { skippedRow, type MeasuredRow } from '../../bench/measure';
import { computeRatios, judgeTargets } from '../../bench/targets';

/** An export row as the scenario makes it: one operation, its time and peak memory. */
const exportRow = (elapsedS: number, peakRssMb: number, failed = 0): MeasuredRow => ({
  ...skippedRow('csvExport', 'saved-query CSV export', ''),
  status: 'ok',
  note: null,
  elapsedS,
  peakRssMb,
  operations: 1,
  failed,
});

function exportTargets(row: MeasuredRow, exportScale: number) {
  const lookup = (id: string) => (id === 'csvExport' ? row : undefined);
  return judgeTargets(lookup, computeRatios(lookup), { vmHwmMb: null, exportScale }).filter((target) =>
    target.id.startsWith('csvExport'),
  );
}

describe('the CSV export targets', () => {
  it('judge an export of 100,000 customers by its peak memory and its time', () => {
    expect(exportTargets(exportRow(75.1, 1064.1), 100_000)).toEqual([
      expect.objectContaining({ id: 'csvExportMemory', measured: '1064.1 MB', met: false, missedBy: '764 MB over' }),
      expect.objectContaining({ id: 'csvExportTime', measured: '75.1 s', met: false, missedBy: '1.25x the time' }),
    ]);
    expect(exportTargets(exportRow(41, 280), 100_000).map((target) => [target.met, target.missedBy])).toEqual([
      [true, null],
      [true, null],
    ]);
  });

  it('miss both when the export was not whole, however small and fast it was', () => {
    expect(exportTargets(exportRow(3, 120, 1), 100_000).map((target) => [target.met, target.missedBy])).toEqual([
      [false, 'the export was not whole (see its note)'],
      [false, 'the export was not whole (see its note)'],
    ]);
  });

  it('measure but do not judge a smaller export (--quick, --export-scale)', () => {
    expect(exportTargets(exportRow(0.2, 400), 300)).toEqual([
      expect.objectContaining({ measured: '400 MB (not judged: 300 customers exported)', met: null, missedBy: null }),
      expect.objectContaining({ measured: '0.2 s (not judged: 300 customers exported)', met: null, missedBy: null }),
    ]);
  });
});
