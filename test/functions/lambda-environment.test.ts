/** Lambda's rules for environment variables and function limits, and the environment a runtime gets. */
import { describe, expect, it } from 'vitest';
import { functionArn, runtimeEnvironment, validateEnvironment, validateHostOptions } from '../../src/functions/lambda-environment.js';

const base = { functionName: 'fn', dir: '/code', runtime: 'nodejs' as const, handler: 'index.handler' };

describe('validateEnvironment', () => {
  it('accepts ordinary keys and rejects each reserved key', () => {
    expect(validateEnvironment({ DB_URL: 'x', a1_b: '' })).toBeUndefined();
    // `_HANDLER` and `_X_AMZN_TRACE_ID` already fail the key pattern, which Lambda checks first.
    expect(validateEnvironment({ _HANDLER: 'x' })).toMatch(/regular expression pattern/);
    for (const key of ['AWS_REGION', 'AWS_LAMBDA_RUNTIME_API', 'LAMBDA_TASK_ROOT', 'TZ', 'AWS_SESSION_TOKEN']) {
      expect(validateEnvironment({ [key]: 'x' })).toContain(`Reserved keys used in this request: ${key}`);
    }
  });

  it('rejects keys outside [a-zA-Z]([a-zA-Z0-9_])+ and sets over 4 KB', () => {
    expect(validateEnvironment({ A: 'x' })).toMatch(/regular expression pattern/); // at least two characters
    expect(validateEnvironment({ 'MY-KEY': 'x' })).toMatch(/MY-KEY/);
    expect(validateEnvironment({ _X: 'x' })).toMatch(/regular expression pattern/);
    expect(validateEnvironment({ BIG: 'x'.repeat(4100) })).toMatch(/exceeded the 4KB limit/);
  });
});

describe('validateHostOptions', () => {
  it('checks name, runtime, timeout and memory like Lambda', () => {
    expect(validateHostOptions(base)).toBeUndefined();
    expect(validateHostOptions({ ...base, functionName: 'bad name' })).toMatch(/Invalid function name/);
    expect(validateHostOptions({ ...base, runtime: 'java' as never })).toMatch(/Unsupported runtime/);
    expect(validateHostOptions({ ...base, timeoutSeconds: 0 })).toMatch(/1 to 900/);
    expect(validateHostOptions({ ...base, timeoutSeconds: 900, memorySize: 10240 })).toBeUndefined();
    expect(validateHostOptions({ ...base, memorySize: 10241 })).toMatch(/128 to 10240/);
    expect(validateHostOptions({ ...base, command: [] })).toMatch(/command/);
  });
});

describe('runtimeEnvironment', () => {
  it('sets the Lambda variables and lets no user value override them', () => {
    const env = runtimeEnvironment({
      options: { ...base, memorySize: 512, region: 'ap-south-1', environment: { STAGE: 'dev' } },
      runtimeApi: '127.0.0.1:9001', runtimeDir: '/rt', executionEnv: 'AWS_Lambda_nodejs20.x', logStream: 's',
    });
    expect(env).toMatchObject({
      STAGE: 'dev', _HANDLER: 'index.handler', AWS_LAMBDA_FUNCTION_NAME: 'fn', AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512', AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/fn', AWS_LAMBDA_LOG_STREAM_NAME: 's',
      AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001', LAMBDA_TASK_ROOT: '/code', LAMBDA_RUNTIME_DIR: '/rt',
      AWS_REGION: 'ap-south-1', AWS_DEFAULT_REGION: 'ap-south-1', TZ: ':UTC',
    });
    expect(functionArn({ ...base, account: '000000000000' })).toBe('arn:aws:lambda:us-east-1:000000000000:function:fn');
  });
});
