export { Engine, type EngineRule, type EngineOptions } from './engine.js';
export { isoNanos, nowNanos, parseTimeNanos } from './time.js';
