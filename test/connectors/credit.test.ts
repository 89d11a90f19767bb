import { creditConnector } from '../../connectors';
import { toCreditProfile } from '../../connectors/credit/credit.mapper';
import { defineConnectorSuite } from '../helpers/connector-suite';

const suite = defineConnectorSuite({
  factory: creditConnector,
  keysOf: (world) => world.credit.map((profile) => profile.taxNumber),
  keyField: 'taxNumber',
  unknownKey: '00-0000000',
});

describe('the credit connector', () => {
  it('maps limit, exposure, score, band, terms and review time to the graph', async () => {
    const records = suite.world.credit.slice(0, 40);
    const profiles = await suite.profiles(
      records.map((record) => record.taxNumber),
      '{ taxNumber legalName currency limit exposure available score riskBand terms reviewedAt }',
    );
    expect(profiles).toEqual(
      records.map((record) => ({
        taxNumber: record.taxNumber,
        legalName: record.legalName,
        currency: record.currency,
        limit: record.limit,
        exposure: record.exposure,
        available: record.limit - record.exposure,
        score: record.score,
        riskBand: record.riskBand,
        terms: record.paymentTerms,
        reviewedAt: new Date(record.reviewedAt).toISOString(),
      })),
    );
  });

  it('gives a customer over their limit a negative available credit', () => {
    const record = suite.world.credit[0];
    const profile = toCreditProfile({ ...record, limit: 1_000, exposure: 1_250 });
    expect(profile.available).toBe(-250);
    expect(profile.reviewedAt).toBeInstanceOf(Date);
  });
});
