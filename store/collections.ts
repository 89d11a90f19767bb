import type { Collection, Db, Document } from 'mongodb';

/** Drops a collection; one that is not there is already what was wanted. */
export async function dropIfExists<T extends Document>(collection: Collection<T>): Promise<void> {
  try {
    await collection.drop();
  } catch (error) {
    // Older servers answer NamespaceNotFound; newer ones succeed.
    if ((error as { codeName?: unknown }).codeName !== 'NamespaceNotFound') throw error;
  }
}

/**
 * Puts collection `from` in the place of `to`, in one step: a reader of `to` sees the old
 * documents or the new ones, never a mixture (MongoDB's `renameCollection` with `dropTarget`,
 * which the embedded server runs in one SQLite transaction). Indexes move with the collection.
 */
export async function replaceCollection(db: Db, from: string, to: string): Promise<void> {
  await db.admin().command({
    renameCollection: `${db.databaseName}.${from}`,
    to: `${db.databaseName}.${to}`,
    dropTarget: true,
  });
}
