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
      { memory: true, tcp: { port: 70000 } },
      'startEmbeddedMongo expected options.tcp.port to be an integer from 0 to 65535, but found 70000.',
    ],
    [
      'a tcp option that is neither a boolean nor an address',
      { memory: true, tcp: 27017 },
      'startEmbeddedMongo expected options.tcp to be a boolean or { host, port }, but found 27017.',
    ],
    [
      'a zero sweep interval',
      { memory: true, ttlSweepMs: 0 },
      'startEmbeddedMongo expected options.ttlSweepMs to be a positive number of milliseconds, but found 0.',
    ],
    [
      'a misspelt option',
      { datadir: '/tmp/x' },
      "startEmbeddedMongo expected only the options dataDir, memory, tcp, ttlSweepMs, but found 'datadir'.",
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
    const first = await startEmbeddedMongo({ memory: true, tcp: true });
    const port = first.tcp!.port;
    try {
      await expect(startEmbeddedMongo({ memory: true, tcp: { port } })).rejects.toThrow(
        new RegExp(
          `^startEmbeddedMongo expected to listen on \\S+mongod\\.sock and 127\\.0\\.0\\.1:${port}, but found: listen EADDRINUSE`,
        ),
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
