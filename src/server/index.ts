export { startService, closeOnSignals, type Service, type ServiceOptions, type ServiceParts } from './service.js';
export { buildApp, type AppOptions } from './app.js';
export { authSummary, bearerPolicy, githubSignatureValid, isLoopback, type AuthOptions } from './auth.js';
export { Metrics, type RejectReason } from './metrics.js';
export { runService } from './run.js';
