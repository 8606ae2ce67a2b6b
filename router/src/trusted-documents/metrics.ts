import { Counter, Gauge, type Registry } from 'prom-client';

export type Refusal = 'free-text' | 'unknown-id';
export type Unknown = 'text' | 'id';

export interface TrustedDocumentMetrics {
  executed(id: string, name: string, path: 'fast' | 'apollo'): void;
  unknown(kind: Unknown): void;
  refused(reason: Refusal): void;
  manifestLoaded(outcome: 'loaded' | 'refused', operations?: number): void;
}

/**
 * Labels are bounded: ids and names come from manifests the gateway loaded, never from a request; unknown
 * operations and refusals are counted without their text or id (the log names them).
 */
export function createTrustedDocumentMetrics(registry: Registry): TrustedDocumentMetrics {
  const executions = new Counter({
    name: 'trusted_document_executions_total',
    help: 'Requests for a manifest operation, by its id and name, and whether the pre-planned fast path or Apollo ran it.',
    labelNames: ['id', 'name', 'path'],
    registers: [registry],
  });
  const unknowns = new Counter({
    name: 'trusted_document_unknown_total',
    help: 'Operations executed although the manifest does not list them (TRUSTED_DOCUMENTS=log): free text, or an id it lacks.',
    labelNames: ['kind'],
    registers: [registry],
  });
  const refusals = new Counter({
    name: 'trusted_document_refusals_total',
    help: 'Requests refused with PERSISTED_QUERY_NOT_IN_LIST (TRUSTED_DOCUMENTS=enforce): free text (including APQ registration) or an unknown id.',
    labelNames: ['reason'],
    registers: [registry],
  });
  const loads = new Counter({
    name: 'trusted_documents_manifest_loads_total',
    help: 'Manifest loads: loaded, or refused (an operation does not validate or plan against the supergraph; the previous manifest keeps serving).',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const size = new Gauge({
    name: 'trusted_documents_operations',
    help: 'Operations in the manifest being served.',
    registers: [registry],
  });
  return {
    executed: (id, name, path) => executions.inc({ id, name, path }),
    unknown: (kind) => unknowns.inc({ kind }),
    refused: (reason) => refusals.inc({ reason }),
    manifestLoaded(outcome, operations) {
      loads.inc({ outcome });
      if (operations !== undefined) size.set(operations);
    },
  };
}
