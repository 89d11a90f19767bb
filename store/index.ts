// Public API of store/: the MongoDB connection (real or embedded) and the repositories on it.
export { openStore } from './connect';
export type { StoreConnection, StoreOptions, StoreHooks } from './connect';
export { IdentityRepository, IDENTITY_COLLECTION } from './identity.repository';
export type { StoredIdentity, IdentityPage } from './identity.repository';
export { startEmbeddedMongo } from './embedded';
export type { EmbeddedMongo, EmbeddedMongoOptions } from './embedded';
