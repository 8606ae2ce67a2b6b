import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { commonEnv, EnvError, parseEnv, port, secret } from '@supergraph/service-kit/env';
import { badUserInput, createErrorFormatter } from '@supergraph/service-kit/errors';
import { createLogger } from '@supergraph/service-kit/logger';

describe('parseEnv', () => {
  const schema = z.object({ ...commonEnv, PORT: port(4001), SECRET: secret });
  it('applies defaults, and treats empty strings as unset', () => {
    expect(parseEnv('svc', schema, { SECRET: 'x'.repeat(32), PORT: '', NODE_ENV: '' })).toMatchObject({
      PORT: 4001,
      NODE_ENV: 'development',
    });
  });
  it('reports every invalid variable in one error', () => {
    expect(() => parseEnv('svc', schema, { PORT: 'eighty', LOG_LEVEL: 'loud' })).toThrow(EnvError);
    try {
      parseEnv('svc', schema, { PORT: 'eighty', LOG_LEVEL: 'loud' });
    } catch (error) {
      expect((error as Error).message).toMatch(/PORT/);
      expect((error as Error).message).toMatch(/LOG_LEVEL/);
      expect((error as Error).message).toMatch(/SECRET/);
    }
  });
});

describe('createErrorFormatter', () => {
  const format = createErrorFormatter(createLogger('test', 'silent'));
  it('passes errors with a known code through, without stack traces', () => {
    const error = badUserInput('bad', 'name');
    const formatted = format(
      { ...error.toJSON(), extensions: { ...error.extensions, stacktrace: ['at x.ts:1'] } },
      error,
    );
    expect(formatted).toEqual({ message: 'bad', extensions: { code: 'BAD_USER_INPUT', field: 'name' } });
  });
  it('masks anything else', () => {
    const error = new GraphQLError('connection to 10.0.0.5 refused', {
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expect(format(error.toJSON(), error)).toEqual({
      message: 'Internal server error',
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  });
});
