/**
 * Finding one field's bytes inside an encoded BSON document without decoding it: how a write
 * keeps the bytes an update's replacement arrived in (see `noteReceived`). Only lengths are
 * read, by the element types of the BSON spec (https://bsonspec.org/spec.html).
 */

/** The int32 at `at`, or -1 past the end (a length that cannot be read). */
function int32At(bytes: Buffer, at: number): number {
  return at + 4 <= bytes.length ? bytes.readInt32LE(at) : -1;
}

/** Bytes of an element's value, from its start; -1 for a type this walker does not know. */
function valueSize(type: number, bytes: Buffer, at: number): number {
  const length = int32At(bytes, at);
  switch (type) {
    case 0x01: // double
    case 0x09: // UTC datetime
    case 0x11: // timestamp
    case 0x12: // int64
      return 8;
    case 0x02: // string
    case 0x0d: // JavaScript code
    case 0x0e: // symbol
      return length < 0 ? -1 : 4 + length;
    case 0x03: // embedded document
    case 0x04: // array
    case 0x0f: // code with scope
      return length;
    case 0x05: // binary: length, subtype, bytes
      return length < 0 ? -1 : 5 + length;
    case 0x06: // undefined
    case 0x0a: // null
    case 0x7f: // max key
    case 0xff: // min key
      return 0;
    case 0x07: // ObjectId
      return 12;
    case 0x08: // boolean
      return 1;
    case 0x0b: {
      // regular expression: two C strings
      const pattern = bytes.indexOf(0, at);
      const options = pattern < 0 ? -1 : bytes.indexOf(0, pattern + 1);
      return options < 0 ? -1 : options + 1 - at;
    }
    case 0x0c: // DBPointer: string, then an ObjectId
      return length < 0 ? -1 : 4 + length + 12;
    case 0x10: // int32
      return 4;
    case 0x13: // decimal128
      return 16;
    default:
      return -1;
  }
}

interface Element {
  type: number;
  name: string;
  value: Buffer;
}

/** The last element named `name` (the one decoding keeps), if any. */
function lastNamed(all: Element[] | null, name: string): Element | undefined {
  if (!all) return undefined;
  for (let i = all.length - 1; i >= 0; i--) if (all[i].name === name) return all[i];
  return undefined;
}

/** Each element of an encoded document: its type, name and value bytes; null when the bytes do not walk cleanly. */
function elements(doc: Buffer): Element[] | null {
  if (doc.length < 5 || doc.readInt32LE(0) !== doc.length) return null;
  const end = doc.length - 1; // the document's terminating 0x00
  const found: Element[] = [];
  let at = 4;
  while (at < end) {
    const type = doc[at];
    const nameEnd = doc.indexOf(0, at + 1);
    if (nameEnd < 0 || nameEnd >= end) return null;
    const start = nameEnd + 1;
    const size = valueSize(type, doc, start);
    if (size < 0 || start + size > end) return null;
    found.push({ type, name: doc.toString('utf8', at + 1, nameEnd), value: doc.subarray(start, start + size) });
    at = start + size;
  }
  return at === end ? found : null;
}

/**
 * The bytes of the embedded document `field` of the encoded document `doc` (the last field of
 * that name, the one decoding keeps); null when the field is missing or is not a document, or
 * when the bytes do not walk cleanly to the end.
 */
export function embeddedDocument(doc: Buffer, field: string): Buffer | null {
  const element = lastNamed(elements(doc), field);
  return element?.type === 0x03 ? element.value : null;
}

/**
 * The bytes of each document of the array `field` of the encoded document `doc`, in order;
 * null when the field is missing or is not an array of documents only.
 */
export function embeddedDocuments(doc: Buffer, field: string): Buffer[] | null {
  const element = lastNamed(elements(doc), field);
  if (element?.type !== 0x04) return null;
  const items = elements(element.value);
  if (!items || !items.every((item, i) => item.type === 0x03 && item.name === String(i))) return null;
  return items.map((item) => item.value);
}

/**
 * The whole first element of the encoded document `doc` (its type, name and value bytes), or
 * null when there is none or it does not walk cleanly: what two documents led by `_id` compare
 * to know whether they encode it alike (`1` as an int32 or as a double decode the same).
 */
export function leadingElement(doc: Buffer): Buffer | null {
  if (doc.length < 6 || doc.readInt32LE(0) !== doc.length) return null;
  const nameEnd = doc.indexOf(0, 5);
  if (nameEnd < 0 || nameEnd >= doc.length - 1) return null;
  const size = valueSize(doc[4], doc, nameEnd + 1);
  const end = nameEnd + 1 + size;
  return size < 0 || end > doc.length - 1 ? null : doc.subarray(4, end);
}
