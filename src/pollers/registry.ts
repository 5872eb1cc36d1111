import { cloudtrailS3Poller, type CloudTrailS3Options } from './cloudtrail-s3.js';
import { githubAuditPoller, type GithubAuditOptions } from './github-audit.js';
import { oktaPoller, type OktaPollerOptions } from './okta.js';
import type { Poller, PollerTiming } from './poller.js';

/** Every poller type: one file each, registered here with its options. */
const POLLERS = {
  cloudtrail_s3: (name: string, o: CloudTrailS3Options) => cloudtrailS3Poller(name, o),
  okta: (name: string, o: OktaPollerOptions) => oktaPoller(name, o),
  github_audit: (name: string, o: GithubAuditOptions) => githubAuditPoller(name, o),
};

export type PollerType = keyof typeof POLLERS;

/** A configured poller (vigil.yaml `pollers:`, or `--poller`). */
export type PollerConfig = {
  [T in PollerType]: { type: T; name: string; enabled: boolean; timing: PollerTiming; options: Parameters<(typeof POLLERS)[T]>[1] };
}[PollerType];

export function createPoller(config: PollerConfig): Poller {
  const make = POLLERS[config.type] as (name: string, options: unknown) => Poller;
  return make(config.name, config.options);
}
