export { Engine, type EngineRule, type EngineOptions } from './engine.js';
export { isoNanos, nowNanos, parseTimeNanos } from './time.js';
export { Pipeline, Backpressure, PIPELINE_DEFAULTS, type Checkpoint, type PipelineStages, type PipelineOptions, type PipelineCounts } from './pipeline.js';
