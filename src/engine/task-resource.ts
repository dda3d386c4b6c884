/**
 * Which history-event family a Task's Resource uses (AWS GetExecutionHistory): Lambda ARNs and plain function
 * names → LambdaFunction*; `arn:aws:states:::service:action[.sync|.waitForTaskToken]` → Task* with
 * resourceType/resource split; activity ARNs → Activity*.
 */
export interface ResourceInfo {
  family: 'lambda' | 'task' | 'activity';
  /** Task*: the service (`lambda`, `sqs`, `aws-sdk:s3`); empty for the other families. */
  resourceType: string;
  /** Task*: the action with its pattern suffix (`invoke`, `sendMessage.waitForTaskToken`); else the Resource. */
  resource: string;
  waitForTaskToken: boolean;
  sync: boolean;
}

const SERVICE = /^arn:[^:]+:states:[^:]*:[^:]*:(.+)$/;

export function classifyResource(resource: string): ResourceInfo {
  if (/^arn:[^:]+:states:[^:]*:[^:]*:activity:/.test(resource)) {
    return { family: 'activity', resourceType: '', resource, waitForTaskToken: false, sync: false };
  }
  const m = SERVICE.exec(resource);
  if (m && !/^(activity|stateMachine|execution):/.test(m[1]!)) {
    const parts = m[1]!.split(':');
    let action = parts.pop() ?? '';
    if (/^\d+$/.test(action) && /\.sync$/.test(parts[parts.length - 1] ?? '')) action = `${parts.pop()}:${action}`;
    return {
      family: 'task',
      resourceType: parts.join(':'),
      resource: action,
      waitForTaskToken: action.endsWith('.waitForTaskToken'),
      sync: /\.sync(:\d+)?$/.test(action),
    };
  }
  return { family: 'lambda', resourceType: '', resource, waitForTaskToken: false, sync: false };
}
