// Public API of store/: the MongoDB connection (real or embedded) and the repositories on it.
export { openStore, readPreferenceNotice } from './connect';
export { DUPLICATE_KEY, isDuplicateKey, writeErrorsOf } from './duplicate-key';
export type { EmbeddedIn, StoreConnection, StoreOptions, StoreHooks } from './connect';
export { StoreTimeoutError, isStoreUnavailable, withDeadline, defaultRepositoryDeadlines } from './deadline';
export type { RepositoryDeadlines } from './deadline';
export { IdentityRepository, IDENTITY_COLLECTION } from './identity.repository';
export type { StoredIdentity, IdentityPage } from './identity.repository';
export { RememberedIdentityLookups } from './identity-lookups';
export type { IdentityLookups, IdentityMemoryOptions } from './identity-lookups';
export { startEmbeddedMongo, startEmbeddedMongoProcess, startEmbeddedMongoThread, DataDirInUseError } from './embedded';
export type { EmbeddedMongo, EmbeddedMongoOptions } from './embedded';
export {
  SnapshotRepository,
  SNAPSHOT_COLLECTION,
  SYNC_STATE_COLLECTION,
  figurePath,
  figureIndexName,
} from './snapshot.repository';
export type { SnapshotDocument, SnapshotState, CompletedRun, SnapshotPage, SnapshotQuery } from './snapshot.repository';
export { planSnapshotFinds, countFilter, compareFigures } from './snapshot.query';
export type { FigureScalar, FigureCondition, SnapshotSort, SnapshotPosition, SnapshotFind } from './snapshot.query';
