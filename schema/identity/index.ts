// Public API of schema/identity/: normalisation rules, record linking and the identity sync.
export { normalizeEmail, normalizePhone, normalizeTaxNumber, normalizeName, normalizeNameCasing } from './normalize';
export type { NormalisedName } from './normalize';
export { linkRecords, newCustomerId } from './link';
export type { SourceRecord, SystemLink, CustomerIdentity, LinkResult } from './link';
export { syncIdentities, SyncError } from './sync';
export type { SyncReport, SyncProgress, SyncOptions } from './sync';
export { checkIdentityMap, describeMismatch } from './verify';
export type { IdentityMapCheck, IdentityMapCheckOptions, SystemSample } from './verify';
