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
      // `available` is derived, not the bureau's: the tests below check it against hand-written values.
      '{ taxNumber legalName currency limit exposure score riskBand terms reviewedAt }',
    );
    expect(profiles).toEqual(
      records.map((record) => ({
        taxNumber: record.taxNumber,
        legalName: record.legalName,
        currency: record.currency,
        limit: record.limit,
        exposure: record.exposure,
        score: record.score,
        riskBand: record.riskBand,
        terms: record.paymentTerms,
        reviewedAt: new Date(record.reviewedAt).toISOString(),
      })),
    );
  });

  it('gives the credit available, the limit less the exposure, through the graph', async () => {
    // Two profiles of the suite's seeded world (seed 7), with their figures written out.
    const profiles = await suite.profiles(['38-1969556', '77-9356717'], '{ limit exposure available }');
    expect(profiles).toEqual([
      { limit: 1_500, exposure: 1_035, available: 465 },
      { limit: 44_000, exposure: 26_840, available: 17_160 },
    ]);
  });

  it('gives a customer with no exposure their whole limit, and one at their limit nothing', () => {
    const record = suite.world.credit[0];
    expect(toCreditProfile({ ...record, limit: 8_000, exposure: 0 }).available).toBe(8_000);
    expect(toCreditProfile({ ...record, limit: 2_500, exposure: 2_500 }).available).toBe(0);
  });

  it('gives a customer over their limit a negative available credit', () => {
    const record = suite.world.credit[0];
    const profile = toCreditProfile({ ...record, limit: 1_000, exposure: 1_250 });
    expect(profile.available).toBe(-250);
    expect(profile.reviewedAt).toBeInstanceOf(Date);
  });
});
