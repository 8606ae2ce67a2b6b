export {
  createServiceMetrics,
  instrumentedBatch,
  DURATION_BUCKETS,
  type ServiceMetrics,
  type BatchObserver,
} from './service-metrics.ts';
