// Public API of config/: the validated configuration and its loader.
export { loadConfig, enabledConnectorNames, ConfigError } from './load';
export type { LoadConfigOptions } from './load';
export { defaultConfig } from './defaults';
export { configSchema, connectorConfigSchema } from './schema';
export type { SwitchboardConfig, ConnectorConfig, SwitchboardConfigInput } from './schema';
