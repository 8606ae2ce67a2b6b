import { loadSchemaDocument, readSchemaSdl } from '@supergraph/service-kit/graphql';

/** This subgraph's SDL lives in the `.graphql` files beside this module; the server and composition read them. */
export const SCHEMA_DIR = import.meta.dirname;
export const readSdl = () => readSchemaSdl(SCHEMA_DIR);
export const loadTypeDefs = () => loadSchemaDocument(SCHEMA_DIR);
