import { loadConfig } from '../../config';
import type { ConnectorFactory } from '../../connectors/kit';
import { discoverConnectors, loadConnectorFactory } from '../../gateway/connector-discovery';

const noDeclarations = (file: string): ConnectorFactory => {
  throw new Error(`no declarations here (${file})`);
};

describe('connector discovery', () => {
  it('finds the configured connectors where the configuration says, built-in by default', () => {
    const config = loadConfig({
      env: { SWITCHBOARD_CONNECTORS: 'accounting,support' },
    });
    expect(discoverConnectors(config, noDeclarations).map((factory) => factory.name)).toEqual([
      'accounting',
      'support',
    ]);
    expect(discoverConnectors(config, noDeclarations, { includeDisabled: true }).map((f) => f.name)).toEqual([
      'accounting',
      'sales',
      'credit',
      'support',
      'marketing',
    ]);
  });

  it('loads a connector from a folder named in `from`, relative to the working directory', () => {
    const factory = loadConnectorFactory('loyalty', './test/fixtures/loyalty-connector', noDeclarations);
    expect(factory.name).toBe('loyalty');
    expect(factory.exampleSelection).toBe('{ id }');
  });

  it('takes a folder written without ./ for that folder, as declaration files are', () => {
    expect(loadConnectorFactory('loyalty', 'test/fixtures/loyalty-connector', noDeclarations).name).toBe('loyalty');
  });

  it('hands a declaration file to the declaration loader', () => {
    expect(() => loadConnectorFactory('loyalty', 'loyalty.yaml', noDeclarations)).toThrow(
      'no declarations here (loyalty.yaml)',
    );
  });

  it('stops start-up with a sentence when a connector cannot be found or is not what its key says', () => {
    expect(() => loadConnectorFactory('billing', undefined, noDeclarations)).toThrow(
      'Invalid config: connectors.billing: there is no built-in connector named "billing"; say where it comes from in connectors.billing.from (a folder, a package or a declaration file)',
    );
    expect(() => loadConnectorFactory('billing', 'switchboard-billing-connector', noDeclarations)).toThrow(
      'Invalid config: connectors.billing.from: no connector package or folder "switchboard-billing-connector" can be found from',
    );
    expect(() => loadConnectorFactory('billing', './test/fixtures/loyalty-connector', noDeclarations)).toThrow(
      'Invalid config: connectors.billing.from: "./test/fixtures/loyalty-connector" is the loyalty connector, not billing; the configuration key and the connector\'s name must agree',
    );
    expect(() => loadConnectorFactory('answer', './test/fixtures/not-a-connector', noDeclarations)).toThrow(
      'Invalid config: connectors.answer.from: "./test/fixtures/not-a-connector" exports no connector',
    );
  });
});
