import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { HUB_NODE_FLAGS, HUB_OLD_SPACE_MB, heapBudgetLine } from '../../gateway/heap-budget';

const ROOT = path.join(__dirname, '..', '..');

describe('the hub heap budget', () => {
  it('is what npm start and npm run sync start node with', () => {
    const { scripts } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const flags = HUB_NODE_FLAGS.join(' ');
    expect(scripts.start).toContain(`node ${flags} dist/gateway/cli.js start`);
    expect(scripts.sync).toContain(`node ${flags} dist/gateway/cli.js sync`);
    // The command's own shebang stays plain: BusyBox's env (Alpine images) has no -S for flags.
    const shebang = readFileSync(path.join(ROOT, 'gateway', 'cli.ts'), 'utf8').split('\n')[0];
    expect(shebang).toBe('#!/usr/bin/env node');
  });

  it("reports a node started with the flags as running in the hub's budget", () => {
    const limit = Number(
      execFileSync(process.execPath, [...HUB_NODE_FLAGS, '-p', 'require("v8").getHeapStatistics().heap_size_limit'], {
        encoding: 'utf8',
      }),
    );
    expect(limit).toBeGreaterThan(HUB_OLD_SPACE_MB * 1_048_576);
    expect(heapBudgetLine(limit)).toMatch(/^Heap: \d+ MB limit \(the hub's budget\)$/);
  });

  it('says how to bound memory when node runs with a larger heap than the budget', () => {
    const line = heapBudgetLine(4144 * 1_048_576);
    expect(line).toContain('4144 MB limit, larger than the hub');
    expect(line).toContain(HUB_NODE_FLAGS.join(' '));
  });

  it('warns of a heap smaller than the budget, as a small container may give', () => {
    const line = heapBudgetLine(304 * 1_048_576);
    expect(line).toContain('304 MB limit, smaller than the hub');
    expect(line).toContain(HUB_NODE_FLAGS.join(' '));
  });
});
