export type { Alert, AlertContext, GeoContext } from './alert.js';
export type { Finding, FindingKind, FindingStatus } from './finding.js';
export { fingerprint } from './finding.js';
export { PRIORITIES, parsePriority, displayPriority, atLeast } from './priority.js';
export type { Priority } from './priority.js';
