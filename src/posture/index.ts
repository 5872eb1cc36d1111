export * from './model.js';
export { INVENTORY_SCHEMA } from './schema.js';
export { loadSnapshot, parseSnapshot, newSnapshot, snapshotJson, writeSnapshot, sortResources } from './snapshot.js';
export { importGcpAssets } from './gcp.js';
export { importInventory, IMPORT_FORMATS } from './importers.js';
export { loadTerraformState, TERRAFORM_MAPPERS } from './terraform.js';
export { loadDeclared, parseDeclared, type DeclaredInventory } from './declared.js';
export { loadExpected, resolveExpected, emptyExpected, type ExpectedState } from './expected.js';
export { computeDrift, DRIFT_TABLE, type DriftOptions } from './drift.js';
export { formatFindings, parseFormat, toAlert, FINDING_FORMATS, type FindingFormat, type CsbAlert } from './formats.js';
export { findingScope } from './store.js';
export { POSTURE_CHECKS, runPosture, postureTable, type PostureCheck, type PostureReport, type CheckResult } from './checks.js';
export { buildTrustGraph, trustTable, trustDot, type TrustGraph, type TrustNode, type TrustEdge } from './trust.js';
import type { AwsCollectOptions, AwsResourceReader, CollectResult } from './collect/aws.js';
export type { AwsCollectOptions, AwsResourceReader, CollectResult };

/** Collects from AWS; the SDK is loaded on first use, so commands that read files start fast. */
export async function collectAws(options: AwsCollectOptions = {}): Promise<CollectResult> {
  return (await import('./collect/aws.js')).collectAws(options);
}

/** A reader of single AWS resources for the credentials' account (loaded on first use too). */
export async function connectAwsReader(options: AwsCollectOptions = {}): Promise<AwsResourceReader> {
  return (await import('./collect/aws.js')).connectAwsReader(options);
}
export { driftFromCloudTrailEvent, resourceDrift, actorOf, EVENT_TABLE, type CloudTrailEvent, type EventDrift, type ChangeActor } from './cloudtrail.js';
export { LiveDrift, driftAlert, priorityOfScore, type LiveDriftOptions, type LiveDriftCounts, type LiveDriftRefresh, type ResourceReader } from './live.js';
