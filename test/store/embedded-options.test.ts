import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type EmbeddedMongoOptions, startEmbeddedMongo } from '../../store/embedded';

describe('startEmbeddedMongo options', () => {
  it('says a dataDir or memory mode is required when given neither', async () => {
    await expect(startEmbeddedMongo()).rejects.toThrow(
      'startEmbeddedMongo expected options.dataDir (a directory for the data file) or options.memory: true, but found neither.',
    );
  });

  it.each<[string, unknown, string]>([
    [
      'a port out of range',
      { memory: true, port: 70000 },
      'startEmbeddedMongo expected options.port to be an integer from 0 to 65535, but found 70000.',
    ],
    [
      'a zero sweep interval',
      { memory: true, ttlSweepMs: 0 },
      'startEmbeddedMongo expected options.ttlSweepMs to be a positive number of milliseconds, but found 0.',
    ],
    [
      'a misspelt option',
      { datadir: '/tmp/x' },
      "startEmbeddedMongo expected only the options dataDir, memory, host, port, ttlSweepMs, but found 'datadir'.",
    ],
    [
      'a non-boolean memory flag',
      { memory: 'yes' },
      "startEmbeddedMongo expected options.memory to be a boolean, but found 'yes'.",
    ],
    [
      'an empty dataDir',
      { dataDir: '' },
      "startEmbeddedMongo expected options.dataDir to be a directory path, but found ''.",
    ],
  ])('rejects %s with a sentence naming what it expected and found', async (_case, options, message) => {
    await expect(startEmbeddedMongo(options as EmbeddedMongoOptions)).rejects.toThrow(message);
  });

  it('rejects a dataDir that is a file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-embedded-'));
    const file = path.join(dir, 'not-a-dir');
    fs.writeFileSync(file, '');
    try {
      await expect(startEmbeddedMongo({ dataDir: file })).rejects.toThrow(
        `startEmbeddedMongo expected options.dataDir to be a directory, but found a file at ${file}.`,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports a port that is already taken', async () => {
    const first = await startEmbeddedMongo({ memory: true });
    try {
      await expect(startEmbeddedMongo({ memory: true, port: first.port })).rejects.toThrow(
        `startEmbeddedMongo expected to listen on 127.0.0.1:${first.port}, but found: listen EADDRINUSE`,
      );
    } finally {
      await first.close();
    }
  });

  it('ignores dataDir in memory mode and leaves no file behind', async () => {
    const dataDir = path.join(os.tmpdir(), `sb-embedded-unused-${process.pid}`);
    const server = await startEmbeddedMongo({ memory: true, dataDir });
    await server.close();
    await server.close(); // idempotent
    expect(fs.existsSync(dataDir)).toBe(false);
  });
});
