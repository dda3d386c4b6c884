/**
 * ARNs in AWS's format (reference/sfn-api.md §2.4). Region and account are settings of the service.
 * Versions end in `:N`; alias names must contain a non-digit, which is how the two are told apart.
 */
import { invalidArn } from './errors.js';

export interface ArnScope {
  region: string;
  account: string;
}

export const arns = {
  stateMachine: (s: ArnScope, name: string) => `arn:aws:states:${s.region}:${s.account}:stateMachine:${name}`,
  execution: (s: ArnScope, smName: string, name: string) => `arn:aws:states:${s.region}:${s.account}:execution:${smName}:${name}`,
  express: (s: ArnScope, smName: string, name: string, id: string) =>
    `arn:aws:states:${s.region}:${s.account}:express:${smName}:${name}:${id}`,
};

export type StateMachineRef =
  | { kind: 'machine'; name: string; baseArn: string }
  | { kind: 'version'; name: string; baseArn: string; version: number }
  | { kind: 'alias'; name: string; baseArn: string; alias: string };

const SM = /^(arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:)([^:]+)(?::([^:]+))?$/;
const EXEC = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:(execution|express):([^:]+):([^:]+)(?::([^:]+))?$/;

/** Parses a state machine ARN (plain, version or alias); throws InvalidArn with AWS's wording. */
export function parseStateMachineArn(arn: string): StateMachineRef {
  const m = SM.exec(arn);
  if (!m) {
    if (!arn.startsWith('arn:')) throw invalidArn(`Invalid ARN prefix: ${arn}`);
    throw invalidArn(`Resource type not valid in this context: ${resourceType(arn)}`);
  }
  const baseArn = m[1]! + m[2]!;
  const name = m[2]!;
  const q = m[3];
  if (q === undefined) return { kind: 'machine', name, baseArn };
  if (/^\d+$/.test(q)) return { kind: 'version', name, baseArn, version: Number(q) };
  return { kind: 'alias', name, baseArn, alias: q };
}

export interface ExecutionRef {
  express: boolean;
  smName: string;
  name: string;
}

/** Parses an execution ARN; throws InvalidArn. */
export function parseExecutionArn(arn: string): ExecutionRef {
  const m = EXEC.exec(arn);
  if (!m) {
    if (!arn.startsWith('arn:')) throw invalidArn(`Invalid ARN prefix: ${arn}`);
    throw invalidArn(`Resource type not valid in this context: ${resourceType(arn)}`);
  }
  return { express: m[1] === 'express', smName: m[2]!, name: m[3]! };
}

function resourceType(arn: string): string {
  return arn.split(':')[5] ?? '';
}
