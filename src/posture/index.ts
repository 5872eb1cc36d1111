export * from './model.js';
export { INVENTORY_SCHEMA } from './schema.js';
export { loadSnapshot, parseSnapshot, newSnapshot, snapshotJson, writeSnapshot, sortResources } from './snapshot.js';
export { importGcpAssets } from './gcp.js';
export { importInventory, IMPORT_FORMATS } from './importers.js';
