import type { GraphQLResolveInfo } from 'graphql';
import { wrapResolver } from '../../schema/wrap-resolver';

const info = { fieldName: 'name' } as GraphQLResolveInfo;
const call = (resolve: ReturnType<typeof wrapResolver>, source: unknown) => resolve(source, {}, {}, info);

describe('wrapping a field resolver', () => {
  it('answers a synchronous field synchronously, with the value handler applied', () => {
    const wrapped = wrapResolver(() => 'Ada', { value: (value) => `${String(value)}!`, error: (e) => e });
    expect(call(wrapped, {})).toBe('Ada!');
  });

  it('reads the property as graphql-js does when the field has no resolver', () => {
    const wrapped = wrapResolver(undefined, { error: (e) => e });
    expect(call(wrapped, { name: 'Grace' })).toBe('Grace');
  });

  it('replaces a thrown error and a rejected one by what the error handler gives', async () => {
    const error = (e: unknown) => new Error(`public: ${(e as Error).message}`);
    const throwing = wrapResolver(
      () => {
        throw new Error('internal');
      },
      { error },
    );
    expect(() => call(throwing, {})).toThrow('public: internal');
    const rejecting = wrapResolver(() => Promise.reject(new Error('late')), { error });
    await expect(call(rejecting, {})).rejects.toThrow('public: late');
  });

  it('applies the value handler to what a promise resolves to, with the field info', async () => {
    const wrapped = wrapResolver(() => Promise.resolve(2), {
      value: (value, at) => `${at.fieldName}=${String(value)}`,
      error: (e) => e,
    });
    await expect(call(wrapped, {})).resolves.toBe('name=2');
  });
});
