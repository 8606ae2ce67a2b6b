import { join } from 'node:path';

/** The repository's defaults for the schema checks; each can be overridden from the command line. */
export const REPO_ROOT = join(import.meta.dirname, '..', '..');
/** Breaking changes accepted on purpose, committed and reviewed like code. */
export const APPROVALS_PATH = join(import.meta.dirname, '..', 'approved-changes.json');
/** One committed query-plan snapshot per operation of the corpus. */
export const QUERY_PLANS_DIR = join(import.meta.dirname, '..', 'query-plans');
/**
 * The trusted documents (Apollo persisted query manifest) built from the client corpora, committed like the
 * supergraph: the gateway reads it by path (TRUSTED_DOCUMENTS_MANIFEST).
 */
export const MANIFEST_PATH = join(import.meta.dirname, '..', 'persisted-query-manifest.json');
