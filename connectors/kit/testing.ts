// Public API of connectors/kit/testing: the connector contract as plain async checks, for an
// integrator's tests and `switchboard connector check`. It runs connectors the way the hub does,
// but exposes nothing of the hub's runtime: only factories, configuration and results go in or out.
export { runContractChecks, sampleKeys, CONTRACT_CHECK_NAMES } from './contract-checks/run';
export type { ConnectorConfigInput, ContractCheckOptions, ContractCheckResult } from './contract-checks/types';
export { undocumentedElements } from './contract-checks/schema-elements';
