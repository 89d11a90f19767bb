import { describeErrors } from '../../console/describe-error';

describe('describeErrors', () => {
  it('groups the same error on many rows as one, with where it is and what to do', () => {
    const denied = (index: number) => ({
      message: 'Your roles may not read CreditProfile.score',
      path: ['customers', 'nodes', index, 'credit', 'score'],
      extensions: { code: 'FORBIDDEN' },
    });
    const groups = describeErrors([
      denied(0),
      denied(1),
      denied(7),
      {
        message: 'The accounting system is unavailable',
        path: ['customers', 'nodes', 0, 'accounting'],
        extensions: { code: 'UPSTREAM_UNAVAILABLE', connector: 'accounting' },
      },
      { message: 'Something odd' },
    ]);
    expect(groups).toEqual([
      expect.objectContaining({
        code: 'FORBIDDEN',
        heading: 'Not allowed for your roles',
        where: 'customers.nodes.*.credit.score',
        count: 3,
      }),
      expect.objectContaining({
        code: 'UPSTREAM_UNAVAILABLE',
        heading: 'A department system did not answer',
        count: 1,
      }),
      expect.objectContaining({ code: 'ERROR', heading: 'Something went wrong', where: '', message: 'Something odd' }),
    ]);
  });
});
