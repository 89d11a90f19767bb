import type { SwitchboardConfigInput } from './schema';

/**
 * The configuration `npm start` uses: the four demo department systems on 4101-4104 (and the
 * optional marketing system on 4105, off by default) and the
 * gateway on 4000. Everything not named here takes the default in `schema.ts`.
 */
export const defaultConfig: SwitchboardConfigInput = {
  connectors: {
    accounting: { url: 'http://127.0.0.1:4101' },
    sales: { url: 'http://127.0.0.1:4102' },
    credit: { url: 'http://127.0.0.1:4103' },
    support: { url: 'http://127.0.0.1:4104' },
    // Declared from its system's OpenAPI document (connectors/marketing/marketing.yaml); off until
    // switched on, e.g. SWITCHBOARD_CONNECTORS=accounting,sales,credit,support,marketing.
    marketing: { url: 'http://127.0.0.1:4105', enabled: false },
  },
};
