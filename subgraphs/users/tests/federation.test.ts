import { join } from 'node:path';
import { readSchemaSdl } from '@supergraph/service-kit/graphql';
import { DEMO_USERS } from '@supergraph/demo-data';
import { buildSchema, printType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADA, errorsOf, GRACE, startSubgraph, type Started } from '@supergraph/subgraph-testing';
import { usersSubgraph } from '../src/subgraph.ts';
import { ServiceDocument, UserEntitiesDocument, UserEntityEmailsDocument } from './generated/operations.ts';

const [ada, grace, alan] = DEMO_USERS;
const UNKNOWN_ID = '3f1e2d4c-6b5a-4978-8a6b-5c4d3e2f1a0b';

const ref = (id: string) => ({ __typename: 'User', id });

let h: Started<typeof usersSubgraph>;
beforeAll(async () => {
  h = await startSubgraph(usersSubgraph, 'federation');
});
afterAll(async () => {
  await h?.close();
});

describe('_service', () => {
  it('serves the federation 2 SDL with the @link and the User entity key', async () => {
    const res = await h.call(ServiceDocument, {});

    expect(res.body.errors).toBeUndefined();
    const sdl = res.body.data!._service.sdl;
    expect(sdl).toContain('@link(url: "https://specs.apollo.dev/federation/');
    expect(sdl).toMatch(/type User\s+@key\(fields: "id"\)/);
  });

  it('serves every type of the schema files that composition reads, field for field', async () => {
    const res = await h.call(ServiceDocument, {});
    const served = buildSchema(res.body.data!._service.sdl!);
    const files = buildSchema(readSchemaSdl(join(import.meta.dirname, '../src/graphql')), {
      assumeValidSDL: true,
    });

    const ownTypes = Object.keys(files.getTypeMap()).filter((name) => !name.startsWith('__'));
    expect(ownTypes.sort()).toEqual([
      'AuthPayload',
      'Boolean',
      'CacheControlScope',
      'DateTime',
      'ID',
      'Int',
      'Mutation',
      'PageInfo',
      'Query',
      'Role',
      'SignUpInput',
      'String',
      'UpdateMeInput',
      'User',
      'UserConnection',
      'UserEdge',
    ]);
    for (const name of ownTypes) {
      const type = files.getType(name)!;
      const servedType = served.getType(name);
      expect(servedType, name).toBeDefined();
      const withoutFederationFields = printType(servedType!).replace(/\n\s*(_entities|_service)\(?.*$/gm, '');
      expect(withoutFederationFields, name).toBe(printType(type));
    }
  });
});

describe('_entities', () => {
  it('resolves User representations by id', async () => {
    const res = await h.call(UserEntitiesDocument, { representations: [ref(ada.id), ref(grace.id)] });

    expect(res.body).toEqual({
      data: {
        _entities: [
          { id: ada.id, name: ada.name, role: 'ADMIN' },
          { id: grace.id, name: grace.name, role: 'CUSTOMER' },
        ],
      },
    });
  });

  it('answers null for an unknown uuid and for an id that is not a uuid', async () => {
    const res = await h.call(UserEntitiesDocument, { representations: [ref(UNKNOWN_ID), ref('abc')] });

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { _entities: [null, null] } });
  });

  it('answers a mixed batch in the order asked, repeats included', async () => {
    const res = await h.call(UserEntitiesDocument, {
      representations: [ref(alan.id), ref('not-a-uuid'), ref(ada.id), ref(UNKNOWN_ID), ref(alan.id)],
    });

    expect(res.body).toEqual({
      data: {
        _entities: [
          { id: alan.id, name: alan.name, role: 'CUSTOMER' },
          null,
          { id: ada.id, name: ada.name, role: 'ADMIN' },
          null,
          { id: alan.id, name: alan.name, role: 'CUSTOMER' },
        ],
      },
    });
  });

  it('keeps email private on entities too: FORBIDDEN for another customer, visible to the owner and admins', async () => {
    const asOtherCustomer = await h.call(
      UserEntityEmailsDocument,
      { representations: [ref(alan.id)] },
      GRACE,
    );
    const asOwner = await h.call(UserEntityEmailsDocument, { representations: [ref(grace.id)] }, GRACE);
    const asAdmin = await h.call(UserEntityEmailsDocument, { representations: [ref(alan.id)] }, ADA);

    expect(errorsOf(asOtherCustomer)).toEqual([
      {
        message: 'You can only see your own email address.',
        path: ['_entities', 0, 'email'],
        extensions: { code: 'FORBIDDEN' },
      },
    ]);
    expect(asOwner.body).toEqual({ data: { _entities: [{ id: grace.id, email: grace.email }] } });
    expect(asAdmin.body).toEqual({ data: { _entities: [{ id: alan.id, email: alan.email }] } });
  });
});
