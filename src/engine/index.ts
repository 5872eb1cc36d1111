export { Engine, type EngineRule, type EngineOptions, type TypeField } from './engine.js';
export { requiredValues } from './type-index.js';
export { isoNanos, nowNanos, parseTimeNanos } from './time.js';
