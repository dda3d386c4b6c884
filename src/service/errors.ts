/**
 * The ServiceError catalogue: one error type whose `code` is the AWS exception name. HTTP status follows the
 * model's httpError trait (ConflictException 409, ResourceNotFound 404, ServiceQuotaExceededException 402, all
 * other client errors 400).
 */
export class ServiceError extends Error {
  constructor(readonly code: string, message: string, readonly status = statusOf(code), readonly extra: Record<string, string> = {}) {
    super(message);
    this.name = code;
  }
}

function statusOf(code: string): number {
  switch (code) {
    case 'ConflictException': return 409;
    case 'ResourceNotFound': return 404;
    case 'ServiceQuotaExceededException': return 402;
    case 'InternalFailure': return 500;
    default: return 400;
  }
}

/** `N validation error(s) detected: a; b` — AWS (Coral) ValidationException text. */
export function validationError(violations: string[], reason?: string): ServiceError {
  const n = violations.length;
  const msg = `${n} validation error${n === 1 ? '' : 's'} detected: ${violations.join('; ')}`;
  return new ServiceError('ValidationException', msg, 400, reason ? { reason } : {});
}

export const notFound = {
  stateMachine: (arn: string) => new ServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`),
  execution: (arn: string) => new ServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`),
  resource: (arn: string, what = 'Resource') =>
    new ServiceError('ResourceNotFound', `${what} not found: '${arn}'`, 404, { resourceName: arn }),
};

/** `Invalid Arn: '<why>'`. */
export function invalidArn(why: string): ServiceError {
  return new ServiceError('InvalidArn', `Invalid Arn: '${why}'`);
}
