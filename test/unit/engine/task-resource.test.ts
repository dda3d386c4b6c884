/** Resource → history-event family (AWS GetExecutionHistory shapes). */
import { describe, expect, it } from 'vitest';
import { classifyResource } from '../../../src/engine/task-resource.js';

describe('classifyResource', () => {
  it('Lambda ARNs (with or without qualifier) and plain names are LambdaFunction*', () => {
    expect(classifyResource('arn:aws:lambda:us-east-1:1:function:f').family).toBe('lambda');
    expect(classifyResource('arn:aws:lambda:us-east-1:1:function:f:prod').family).toBe('lambda');
    expect(classifyResource('myFunction').family).toBe('lambda');
  });

  it('service integrations split into resourceType and resource, keeping the pattern suffix', () => {
    expect(classifyResource('arn:aws:states:::lambda:invoke')).toMatchObject({ family: 'task', resourceType: 'lambda', resource: 'invoke' });
    expect(classifyResource('arn:aws:states:::sqs:sendMessage.waitForTaskToken'))
      .toMatchObject({ resourceType: 'sqs', resource: 'sendMessage.waitForTaskToken', waitForTaskToken: true });
    expect(classifyResource('arn:aws:states:::states:startExecution.sync:2'))
      .toMatchObject({ resourceType: 'states', resource: 'startExecution.sync:2', sync: true });
    expect(classifyResource('arn:aws:states:::aws-sdk:s3:listBuckets')).toMatchObject({ resourceType: 'aws-sdk:s3', resource: 'listBuckets' });
  });

  it('activity ARNs are Activity*', () => {
    expect(classifyResource('arn:aws:states:us-east-1:123456789012:activity:work').family).toBe('activity');
  });
});
