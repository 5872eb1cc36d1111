export { Engine, type EngineRule, type EngineOptions, type TypeField } from './engine.js';
export { requiredValues } from './type-index.js';
export { isoNanos, nowNanos, parseTimeNanos } from './time.js';
export { Pipeline, Backpressure, PIPELINE_DEFAULTS, type Checkpoint, type PipelineStages, type PipelineOptions, type PipelineCounts } from './pipeline.js';
export { loadRuleFiles, engineFor, detect, lineFilterFor, usesEventNumber, type Detection } from './detect.js';
export { runRuleTests, type RuleTestOutcome } from './rule-tests.js';
export { evaluateInParallel, WorkerPool, type ParallelOptions, type ParallelBatch } from './parallel.js';
