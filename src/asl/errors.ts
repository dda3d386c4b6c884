/**
 * ASL runtime errors are data: `{ error, cause }`. A `StatesError` may be thrown inside one state's evaluation
 * and is caught at the state boundary, where Retry/Catch see it (ASL spec, "Errors").
 */
export interface ErrorOutput {
  error: string;
  cause?: string;
}

/** The predefined error names of the ASL spec and AWS Step Functions. */
export const States = {
  ALL: 'States.ALL',
  HeartbeatTimeout: 'States.HeartbeatTimeout',
  Timeout: 'States.Timeout',
  TaskFailed: 'States.TaskFailed',
  Permissions: 'States.Permissions',
  ResultPathMatchFailure: 'States.ResultPathMatchFailure',
  ParameterPathFailure: 'States.ParameterPathFailure',
  QueryEvaluationError: 'States.QueryEvaluationError',
  BranchFailed: 'States.BranchFailed',
  NoChoiceMatched: 'States.NoChoiceMatched',
  IntrinsicFailure: 'States.IntrinsicFailure',
  ExceedToleratedFailureThreshold: 'States.ExceedToleratedFailureThreshold',
  ItemReaderFailed: 'States.ItemReaderFailed',
  ResultWriterFailed: 'States.ResultWriterFailed',
  Runtime: 'States.Runtime',
  DataLimitExceeded: 'States.DataLimitExceeded',
} as const;

/** Thrown inside a state's evaluation; caught at the state boundary and turned into data. */
export class StatesError extends Error {
  constructor(readonly error: string, override readonly cause?: string) {
    super(cause === undefined ? error : `${error}: ${cause}`);
    this.name = 'StatesError';
  }
  toOutput(): ErrorOutput {
    return this.cause === undefined ? { error: this.error } : { error: this.error, cause: this.cause };
  }
}
