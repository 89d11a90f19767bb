/**
 * What a connector's merge field returns for each key: the key itself. The department field
 * on `Customer` loads the record from the key, so a failing system errors at
 * `customer.<department>` and leaves the rest of the customer intact.
 */
export interface CustomerStub {
  key: string | null;
}

/** One stub per key, in key order, as the stitching gateway requires. */
export function stubsForKeys(keys: ReadonlyArray<string | null>): CustomerStub[] {
  return keys.map((key) => ({ key: key === null || key === '' ? null : key }));
}
