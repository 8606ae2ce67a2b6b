export {
  createServiceMetrics,
  instrumentedBatch,
  DURATION_BUCKETS,
  type ServiceMetrics,
  type BatchObserver,
} from './service-metrics.ts';
export { boundedLabel, operationLabelOf } from './labels.ts';
