import { formVariables, initialText, inputKindOf, queryStringOf } from '../../console/variables';
import type { SavedQueryVariable } from '../../console/api';

const variable = (name: string, type: string, defaultValue: unknown = null): SavedQueryVariable => ({
  name,
  type,
  defaultValue,
  hasDefault: defaultValue !== null,
  required: type.endsWith('!') && defaultValue === null,
});

describe('the variables form', () => {
  it.each([
    ['Int', 'number'],
    ['Float!', 'number'],
    ['Boolean', 'boolean'],
    ['DateTimeISO!', 'datetime'],
    ['[String!]', 'list'],
    ['[Int]!', 'list'],
    ['ID', 'text'],
    ['CustomerFilter', 'json'],
  ])('enters a %s as %s', (type, kind) => {
    expect(inputKindOf(type)).toBe(kind);
  });

  it('leaves the paging variable to the export', () => {
    const variables = [variable('first', 'Int', 100), variable('cursor', 'String')];
    expect(formVariables(variables, 'cursor').map((v) => v.name)).toEqual(['first']);
  });

  it('starts each field from its default, lists as comma-separated text', () => {
    expect(initialText(variable('bands', '[String!]', ['D', 'E']))).toBe('D, E');
    expect(initialText(variable('first', 'Int', 100))).toBe('100');
    expect(initialText(variable('flag', 'Boolean', false))).toBe('false');
    expect(initialText(variable('filter', 'CustomerFilter', { sales: { orderCount: { gt: 1 } } }))).toBe(
      '{"sales":{"orderCount":{"gt":1}}}',
    );
    expect(initialText(variable('when', 'DateTimeISO!'))).toBe('');
  });

  it('sends a list as one value per item and leaves empty fields out, so defaults apply', () => {
    const variables = [
      variable('bands', '[String!]', ['D']),
      variable('minOrders', 'Int', 10),
      variable('when', 'DateTimeISO!'),
    ];
    expect(queryStringOf(variables, { bands: ' D, E ,, ', minOrders: '  ', when: '2026-06-01T00:00:00Z' })).toEqual({
      bands: ['D', 'E'],
      when: '2026-06-01T00:00:00Z',
    });
  });
});
