import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { areaOf, summarizeProfile } from '../../bench/profile';

describe('summarizeProfile', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-profile-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('ranks functions by self time, leaves idle and the start-up gap out, and groups by area and layer', () => {
    const frame = (functionName: string, url: string, lineNumber = 0) => ({
      functionName,
      url,
      lineNumber,
      columnNumber: 0,
    });
    const profile = {
      nodes: [
        { id: 1, callFrame: frame('(root)', ''), children: [2, 4] },
        {
          id: 2,
          callFrame: frame('execute', 'file:///repo/node_modules/graphql/execution/execute.js', 9),
          children: [3],
        },
        { id: 3, callFrame: frame('find', 'file:///repo/dist/store/embedded/query.js', 55) },
        { id: 4, callFrame: frame('(idle)', '') },
      ],
      startTime: 0,
      endTime: 10_000,
      samples: [3, 3, 2, 4, 3],
      timeDeltas: [5_000, 1_000, 2_000, 4_000, 1_000],
    };
    const file = path.join(dir, 'x.cpuprofile');
    writeFileSync(file, JSON.stringify(profile));
    const summary = summarizeProfile(file, 'x', '/repo', dir);
    expect(summary).toEqual(expect.objectContaining({ file: 'x.cpuprofile', durationMs: 8, busyMs: 4, idlePct: 50 }));
    expect(summary.top.map((f) => [f.function, f.location, f.selfMs])).toEqual([
      ['find', 'dist/store/embedded/query.js:56', 2],
      ['execute', 'node_modules/graphql/execution/execute.js:10', 2],
    ]);
    expect(summary.byLayer).toEqual([
      { layer: 'store (driver, embedded server)', pct: 50 },
      { layer: 'GraphQL, stitching, Apollo', pct: 50 },
    ]);
    expect(summary.inclusiveByArea).toEqual([
      { area: 'graphql', pct: 100 },
      { area: 'store/embedded', pct: 50 },
    ]);
  });

  it('names the area of a frame by package or source folder', () => {
    expect(areaOf('file:///repo/node_modules/@graphql-tools/delegate/dist/index.cjs', '/repo')).toBe(
      '@graphql-tools/delegate',
    );
    expect(areaOf('file:///repo/dist/connectors/kit/loader.js', '/repo')).toBe('connectors/kit');
    expect(areaOf('node:internal/timers', '/repo')).toBe('(node)');
  });
});
