/**
 * The wire protocol byte by byte, over a raw socket (the driver never sends some of these
 * shapes, e.g. a message split at every byte or a checksum).
 */
import net from 'node:net';
import { BSON, type Document } from 'mongodb';
import { type EmbeddedMongo, startEmbeddedMongo } from '../../store/embedded';

interface Reply {
  responseTo: number;
  opCode: number;
  doc: Document;
}

/** A raw connection that collects replies as they arrive. */
class RawClient {
  private buffer = Buffer.alloc(0);
  readonly replies: Reply[] = [];
  readonly closed: Promise<void>;
  private waiters: Array<() => void> = [];

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      while (this.buffer.length >= 4 && this.buffer.length >= this.buffer.readInt32LE(0)) {
        const length = this.buffer.readInt32LE(0);
        const msg = this.buffer.subarray(0, length);
        this.buffer = this.buffer.subarray(length);
        const opCode = msg.readInt32LE(12);
        const docStart = opCode === 1 ? 36 : 21; // OP_REPLY: header + 20; OP_MSG: header + flags + kind
        this.replies.push({ responseTo: msg.readInt32LE(8), opCode, doc: BSON.deserialize(msg.subarray(docStart)) });
      }
      this.waiters.splice(0).forEach((w) => w());
    });
    this.closed = new Promise((resolve) => socket.on('close', () => resolve()));
  }

  static connect(socketPath: string): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(socketPath, () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  async waitFor(count: number): Promise<Reply[]> {
    while (this.replies.length < count) await new Promise<void>((r) => this.waiters.push(r));
    return this.replies;
  }
}

function header(length: number, requestId: number, opCode: number): Buffer {
  const head = Buffer.alloc(16);
  head.writeInt32LE(length, 0);
  head.writeInt32LE(requestId, 4);
  head.writeInt32LE(0, 8);
  head.writeInt32LE(opCode, 12);
  return head;
}

function opMsg(
  requestId: number,
  body: Document,
  options: { flags?: number; sequence?: [string, Document[]]; checksum?: boolean } = {},
): Buffer {
  const parts = [Buffer.from([0]), Buffer.from(BSON.serialize(body))];
  if (options.sequence) {
    const [identifier, docs] = options.sequence;
    const payload = Buffer.concat([Buffer.from(`${identifier}\0`), ...docs.map((d) => Buffer.from(BSON.serialize(d)))]);
    const size = Buffer.alloc(4);
    size.writeInt32LE(payload.length + 4);
    parts.push(Buffer.from([1]), size, payload);
  }
  if (options.checksum) parts.push(Buffer.from([0xde, 0xad, 0xbe, 0xef]));
  const flags = Buffer.alloc(4);
  flags.writeUInt32LE(options.flags ?? 0);
  const rest = Buffer.concat([flags, ...parts]);
  return Buffer.concat([header(16 + rest.length, requestId, 2013), rest]);
}

function opQuery(requestId: number, collection: string, query: Document): Buffer {
  const rest = Buffer.concat([
    Buffer.alloc(4),
    Buffer.from(`${collection}\0`),
    Buffer.from([0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]),
    Buffer.from(BSON.serialize(query)),
  ]);
  return Buffer.concat([header(16 + rest.length, requestId, 2004), rest]);
}

describe('the embedded server on the wire', () => {
  let server: EmbeddedMongo;
  const clients: RawClient[] = [];
  const connect = async () => {
    const client = await RawClient.connect(server.socketPath);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    server = await startEmbeddedMongo({ memory: true });
  });
  afterAll(async () => {
    clients.forEach((c) => c.socket.destroy());
    await server.close();
  });

  it('answers the legacy OP_QUERY handshake with an OP_REPLY that offers no compression', async () => {
    const client = await connect();
    client.socket.write(opQuery(7, 'admin.$cmd', { isMaster: 1, helloOk: true, compression: ['zlib', 'snappy'] }));
    const [reply] = await client.waitFor(1);
    expect(reply.opCode).toBe(1);
    expect(reply.responseTo).toBe(7);
    expect(reply.doc).toEqual(
      expect.objectContaining({
        ok: 1,
        ismaster: true,
        helloOk: true,
        maxWireVersion: 21,
        minWireVersion: 0,
        maxWriteBatchSize: 100000,
      }),
    );
    expect(reply.doc.compression).toBeUndefined();
  });

  it('answers two OP_MSG commands that arrive in one chunk, in order', async () => {
    const client = await connect();
    client.socket.write(
      Buffer.concat([opMsg(11, { ping: 1, $db: 'admin' }), opMsg(12, { buildInfo: 1, $db: 'admin' })]),
    );
    const replies = await client.waitFor(2);
    expect(replies.map((r) => [r.opCode, r.responseTo, r.doc.ok])).toEqual([
      [2013, 11, 1],
      [2013, 12, 1],
    ]);
    expect(replies[1].doc.version).toBe('7.0.0');
  });

  it('reassembles a message that arrives one byte at a time', async () => {
    const client = await connect();
    const bytes = opMsg(21, { ping: 1, $db: 'admin' });
    for (const byte of bytes) {
      client.socket.write(Buffer.from([byte]));
      await new Promise((r) => setImmediate(r));
    }
    const [reply] = await client.waitFor(1);
    expect([reply.responseTo, reply.doc.ok]).toEqual([21, 1]);
  });

  it('skips the trailing checksum when checksumPresent is set', async () => {
    const client = await connect();
    client.socket.write(opMsg(31, { ping: 1, $db: 'admin' }, { flags: 1, checksum: true }));
    const [reply] = await client.waitFor(1);
    expect([reply.responseTo, reply.doc.ok]).toEqual([31, 1]);
  });

  it('applies a moreToCome insert sent as a document sequence without replying to it', async () => {
    const client = await connect();
    const insert = opMsg(
      41,
      { insert: 'wire', ordered: true, $db: 'raw' },
      { flags: 2, sequence: ['documents', [{ _id: 1 }, { _id: 2 }]] },
    );
    const find = opMsg(42, { find: 'wire', filter: {}, $db: 'raw' });
    const ping = opMsg(43, { ping: 1, $db: 'admin' });
    client.socket.write(Buffer.concat([insert, find, ping]));
    // Replies come in request order, so had 41 been answered it would be first.
    const replies = await client.waitFor(2);
    expect(replies.map((r) => r.responseTo)).toEqual([42, 43]);
    expect(replies[0].doc.cursor.firstBatch).toEqual([{ _id: 1 }, { _id: 2 }]);
  });

  it('answers a command without $db with an error rather than dropping the connection', async () => {
    const client = await connect();
    client.socket.write(opMsg(51, { ping: 1 }));
    const [reply] = await client.waitFor(1);
    expect(reply.doc).toEqual(expect.objectContaining({ ok: 0, codeName: 'FailedToParse' }));
  });

  it('hangs up on an opcode it does not speak and keeps serving other connections', async () => {
    const client = await connect();
    client.socket.write(Buffer.concat([header(20, 61, 2012), Buffer.alloc(4)]));
    await client.closed;
    const other = await connect();
    other.socket.write(opMsg(62, { ping: 1, $db: 'admin' }));
    const [reply] = await other.waitFor(1);
    expect(reply.doc.ok).toBe(1);
  });
});
