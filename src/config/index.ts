export { loadConfig, DEFAULT_CONFIG_FILE, type ConfigInputs, type VigilConfig } from './load.js';
export { OPTIONS, envName, flagName, type OptionDef } from './options.js';
export { OUTPUT_TYPES } from './outputs.js';
export { parseDuration } from './duration.js';
export { POLLER_TYPES } from './pollers.js';
