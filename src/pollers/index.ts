export type { Poller, PollContext, PollerStats, PollerTiming } from './poller.js';
export { POLLER_TIMING_DEFAULTS } from './poller.js';
export { PollerRunner, type RunnerDeps, type RunningPoller } from './runner.js';
export { RecentIds } from './recent.js';
export { cloudtrailS3Poller, trailPrefix, type CloudTrailS3Options } from './cloudtrail-s3.js';
export { oktaPoller, type OktaPollerOptions } from './okta.js';
export { githubAuditPoller, type GithubAuditOptions } from './github-audit.js';
export { getPage, nextLink } from './http.js';
