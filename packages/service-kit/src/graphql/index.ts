export {
  MAX_PAGE_SIZE,
  pageSize,
  encodeCursor,
  decodeCursor,
  toConnection,
  timeKeyOf,
  decodeTimeCursor,
  type TimeKey,
  type Connection,
  type Edge,
} from './pagination.ts';
export { DateTime } from './scalars.ts';
export { BASE_SCHEMA_FILE, listSchemaFiles, readSchemaSdl, loadSchemaDocument } from './schema-files.ts';
export { isUuid, normalizeId } from './uuid.ts';
