/**
 * MongoDB wire protocol framing: cutting a TCP byte stream into messages (which may arrive split
 * across chunks or several per chunk), reading OP_MSG (2013) and the legacy OP_QUERY (2004) the
 * driver's first handshake uses, and writing OP_MSG and OP_REPLY (1) answers.
 * https://www.mongodb.com/docs/manual/reference/mongodb-wire-protocol/
 */
import { embeddedDocument, embeddedDocuments } from './bson-walk';
import { deserializeDoc, type Doc, isPlainObject, noteReceived, serializeDoc } from './values';

/** Opcodes this server reads or writes. */
export const OpCode = { Reply: 1, Query: 2004, Compressed: 2012, Msg: 2013 } as const;

/** OP_MSG flag bits. */
export const MsgFlag = { ChecksumPresent: 1 << 0, MoreToCome: 1 << 1, ExhaustAllowed: 1 << 16 } as const;

/** Larger than any legal message (48 MB plus headroom); a bigger length means a broken stream. */
export const MAX_FRAME = 48_000_000 + 16 * 1024;
const HEADER = 16;

/** A malformed or unsupported message; the connection is closed, as MongoDB does. */
export class WireError extends Error {}

/** A decoded request. */
export type WireRequest =
  | { op: 'msg'; requestId: number; moreToCome: boolean; command: Doc }
  | { op: 'query'; requestId: number; collection: string; command: Doc };

/** Reassembles messages from TCP chunks. */
export class MessageFramer {
  private chunks: Buffer[] = [];
  private buffered = 0;

  /** Adds a chunk; returns every message it completed (possibly none, possibly several). */
  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const messages: Buffer[] = [];
    for (;;) {
      if (this.buffered < 4) break;
      const head = this.chunks[0].length >= 4 ? this.chunks[0] : this.flatten();
      const length = head.readInt32LE(0);
      if (length < HEADER || length > MAX_FRAME) throw new WireError(`invalid message length ${length}`);
      if (this.buffered < length) break;
      const all = this.flatten();
      messages.push(all.subarray(0, length));
      const rest = all.subarray(length);
      this.chunks = rest.length ? [rest] : [];
      this.buffered = rest.length;
    }
    return messages;
  }

  /** Joins buffered chunks once a message is complete (never per chunk: no quadratic copying). */
  private flatten(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.buffered)];
    return this.chunks[0];
  }
}

/** Decodes one complete message. */
export function parseMessage(msg: Buffer): WireRequest {
  const requestId = msg.readInt32LE(4);
  const opCode = msg.readInt32LE(12);
  if (opCode === OpCode.Msg) return parseOpMsg(msg, requestId);
  if (opCode === OpCode.Query) return parseOpQuery(msg, requestId);
  throw new WireError(`unsupported opcode ${opCode}`);
}

function readDoc(msg: Buffer, offset: number, end: number): { doc: Doc; next: number } {
  if (offset + 5 > end) throw new WireError('truncated BSON document');
  const size = msg.readInt32LE(offset);
  if (size < 5 || offset + size > end) throw new WireError('BSON document overruns its message');
  return { doc: deserializeDoc(msg.subarray(offset, offset + size)), next: offset + size };
}

/**
 * Notes the bytes of the documents a write may store as they are: each of an insert's
 * `documents`, and the `u` (a replacement, when it is one) of each of an update's `updates`,
 * whether they came in the command itself or in a document sequence.
 */
function noteWritten(identifier: string, doc: Doc, bytes: Buffer): void {
  if (identifier === 'documents') noteReceived(doc, bytes);
  else if (identifier === 'updates' && isPlainObject(doc.u)) {
    const u = embeddedDocument(bytes, 'u');
    if (u) noteReceived(doc.u, u);
  }
}

function noteWrittenInBody(body: Doc, bytes: Buffer): void {
  const command = Object.keys(body)[0];
  const field = command === 'insert' ? 'documents' : command === 'update' ? 'updates' : null;
  const docs = field === null ? null : body[field];
  if (field === null || !Array.isArray(docs)) return;
  const parts = embeddedDocuments(bytes, field);
  if (!parts || parts.length !== docs.length) return;
  docs.forEach((doc, i) => {
    if (isPlainObject(doc)) noteWritten(field, doc, parts[i]);
  });
}

/**
 * OP_MSG: flags, then sections — kind 0 is the command body, kind 1 a named document sequence
 * (how drivers send `documents`/`updates`/`deletes`), merged into the body as an array field.
 * A trailing CRC-32C (checksumPresent) is skipped, not verified: TCP on loopback already is.
 */
function parseOpMsg(msg: Buffer, requestId: number): WireRequest {
  const flags = msg.readUInt32LE(HEADER);
  const end = msg.length - (flags & MsgFlag.ChecksumPresent ? 4 : 0);
  let offset = HEADER + 4;
  let body: Doc | null = null;
  const sequences: Array<[string, Doc[]]> = [];
  while (offset < end) {
    const kind = msg[offset++];
    if (kind === 0) {
      const read = readDoc(msg, offset, end);
      body = read.doc;
      noteWrittenInBody(body, msg.subarray(offset, read.next));
      offset = read.next;
    } else if (kind === 1) {
      const size = msg.readInt32LE(offset);
      const sectionEnd = offset + size;
      if (size < 5 || sectionEnd > end) throw new WireError('document sequence overruns its message');
      const nameEnd = msg.indexOf(0, offset + 4);
      if (nameEnd < 0 || nameEnd >= sectionEnd) throw new WireError('unterminated document sequence identifier');
      const identifier = msg.toString('utf8', offset + 4, nameEnd);
      const docs: Doc[] = [];
      for (let at = nameEnd + 1; at < sectionEnd;) {
        const read = readDoc(msg, at, sectionEnd);
        noteWritten(identifier, read.doc, msg.subarray(at, read.next));
        docs.push(read.doc);
        at = read.next;
      }
      sequences.push([identifier, docs]);
      offset = sectionEnd;
    } else {
      throw new WireError(`unknown OP_MSG section kind ${kind}`);
    }
  }
  if (!body) throw new WireError('OP_MSG without a body section');
  for (const [identifier, docs] of sequences) body[identifier] = docs;
  return { op: 'msg', requestId, moreToCome: (flags & MsgFlag.MoreToCome) !== 0, command: body };
}

/** OP_QUERY: only commands (`<db>.$cmd`) are served; a `$query` wrapper is unwrapped. */
function parseOpQuery(msg: Buffer, requestId: number): WireRequest {
  const nameEnd = msg.indexOf(0, HEADER + 4);
  if (nameEnd < 0) throw new WireError('unterminated OP_QUERY collection name');
  const collection = msg.toString('utf8', HEADER + 4, nameEnd);
  const { doc } = readDoc(msg, nameEnd + 1 + 8, msg.length); // skip numberToSkip, numberToReturn
  const command =
    doc.$query !== null && typeof doc.$query === 'object' && !Array.isArray(doc.$query) ? (doc.$query as Doc) : doc;
  return { op: 'query', requestId, collection, command };
}

let nextRequestId = 1;

function header(length: number, responseTo: number, opCode: number): Buffer {
  const head = Buffer.allocUnsafe(HEADER);
  head.writeInt32LE(length, 0);
  head.writeInt32LE(nextRequestId++ & 0x7fffffff, 4);
  head.writeInt32LE(responseTo, 8);
  head.writeInt32LE(opCode, 12);
  return head;
}

/** An OP_MSG answer: no flags, one body section. */
export function encodeMsg(responseTo: number, reply: Doc): Buffer {
  const body = serializeDoc(reply);
  const prefix = Buffer.from([0, 0, 0, 0, 0]); // flagBits = 0, section kind 0
  return Buffer.concat([header(HEADER + prefix.length + body.length, responseTo, OpCode.Msg), prefix, body]);
}

/** An OP_REPLY answer (legacy handshake): one document, AwaitCapable like MongoDB sets. */
export function encodeReply(responseTo: number, reply: Doc, queryFailure = false): Buffer {
  const body = serializeDoc(reply);
  const fields = Buffer.alloc(20);
  fields.writeInt32LE(queryFailure ? 2 | 8 : 8, 0); // responseFlags: QueryFailure (2), AwaitCapable (8)
  // cursorID (8 bytes) = 0, startingFrom = 0
  fields.writeInt32LE(1, 16); // numberReturned
  return Buffer.concat([header(HEADER + fields.length + body.length, responseTo, OpCode.Reply), fields, body]);
}
