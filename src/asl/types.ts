/**
 * Amazon States Language definition types. Field names are the ASL field names verbatim; states are a
 * discriminated union on `Type`. These describe a definition that passed validation.
 */
import type { Json, JsonObject } from '../util/json.js';

export type QueryLanguage = 'JSONPath' | 'JSONata';
export type StateType = 'Pass' | 'Task' | 'Choice' | 'Wait' | 'Succeed' | 'Fail' | 'Parallel' | 'Map';

export interface StateMachineDefinition {
  StartAt: string;
  States: Record<string, State>;
  Comment?: string;
  Version?: string;
  TimeoutSeconds?: number;
  QueryLanguage?: QueryLanguage;
}

/** A nested program: a Parallel branch or a Map ItemProcessor/Iterator. */
export interface SubProgram {
  StartAt: string;
  States: Record<string, State>;
  Comment?: string;
  ProcessorConfig?: ProcessorConfig;
}

export interface ProcessorConfig {
  Mode?: 'INLINE' | 'DISTRIBUTED';
  ExecutionType?: 'STANDARD' | 'EXPRESS';
}

interface Base {
  Comment?: string;
  QueryLanguage?: QueryLanguage;
}
interface Transition {
  Next?: string;
  End?: boolean;
}
/** JSONPath-mode data-flow fields. */
interface InOut {
  InputPath?: string | null;
  OutputPath?: string | null;
}
/** Fields shared by states that produce a result. */
interface ResultFields {
  ResultPath?: string | null;
  ResultSelector?: JsonObject | string;
  Output?: Json;
  Assign?: JsonObject;
}

export interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: 'FULL' | 'NONE';
  Comment?: string;
}

export interface Catcher {
  ErrorEquals: string[];
  Next: string;
  ResultPath?: string | null;
  Output?: Json;
  Assign?: JsonObject;
  Comment?: string;
}

export interface PassState extends Base, Transition, InOut {
  Type: 'Pass';
  Result?: Json;
  ResultPath?: string | null;
  Parameters?: JsonObject;
  Output?: Json;
  Assign?: JsonObject;
}

export interface TaskState extends Base, Transition, InOut, ResultFields {
  Type: 'Task';
  Resource: string;
  Parameters?: JsonObject;
  Arguments?: JsonObject | string;
  Retry?: Retrier[];
  Catch?: Catcher[];
  TimeoutSeconds?: number | string;
  TimeoutSecondsPath?: string;
  HeartbeatSeconds?: number | string;
  HeartbeatSecondsPath?: string;
  Credentials?: JsonObject;
}

/** A Choice rule: a comparison (Variable + one operator), a boolean combination, or JSONata `Condition`. */
export interface ChoiceRule {
  Variable?: string;
  And?: ChoiceRule[];
  Or?: ChoiceRule[];
  Not?: ChoiceRule;
  Condition?: string | boolean;
  Next?: string;
  Assign?: JsonObject;
  Output?: Json;
  Comment?: string;
  /** The comparison operator (StringEquals, NumericLessThanPath, IsPresent, ...) and its operand. */
  [operator: string]: Json | ChoiceRule | ChoiceRule[] | undefined;
}

export interface ChoiceState extends Base, InOut {
  Type: 'Choice';
  Choices: ChoiceRule[];
  Default?: string;
  Output?: Json;
  Assign?: JsonObject;
}

export interface WaitState extends Base, Transition, InOut {
  Type: 'Wait';
  Seconds?: number | string;
  SecondsPath?: string;
  Timestamp?: string;
  TimestampPath?: string;
  Output?: Json;
  Assign?: JsonObject;
}

export interface SucceedState extends Base, InOut {
  Type: 'Succeed';
  Output?: Json;
}

export interface FailState extends Base {
  Type: 'Fail';
  Error?: string;
  ErrorPath?: string;
  Cause?: string;
  CausePath?: string;
}

export interface ParallelState extends Base, Transition, InOut, ResultFields {
  Type: 'Parallel';
  Branches: SubProgram[];
  Parameters?: JsonObject;
  Arguments?: JsonObject | string;
  Retry?: Retrier[];
  Catch?: Catcher[];
}

export interface MapState extends Base, Transition, InOut, ResultFields {
  Type: 'Map';
  ItemProcessor?: SubProgram;
  /** Deprecated spelling of ItemProcessor (INLINE only). */
  Iterator?: SubProgram;
  ItemsPath?: string;
  Items?: Json;
  ItemSelector?: JsonObject | string;
  /** Deprecated spelling of ItemSelector. */
  Parameters?: JsonObject;
  ItemReader?: JsonObject;
  ItemBatcher?: JsonObject;
  ResultWriter?: JsonObject;
  MaxConcurrency?: number | string;
  MaxConcurrencyPath?: string;
  ToleratedFailureCount?: number | string;
  ToleratedFailureCountPath?: string;
  ToleratedFailurePercentage?: number | string;
  ToleratedFailurePercentagePath?: string;
  Label?: string;
  Retry?: Retrier[];
  Catch?: Catcher[];
}

export type State =
  | PassState
  | TaskState
  | ChoiceState
  | WaitState
  | SucceedState
  | FailState
  | ParallelState
  | MapState;

export type StateOf<T extends StateType> = Extract<State, { Type: T }>;

/** A validation finding in the shape of AWS ValidateStateMachineDefinition's `diagnostics[]`. */
export interface Diagnostic {
  severity: 'ERROR' | 'WARNING';
  /** AWS diagnostic code, e.g. SCHEMA_VALIDATION_FAILED, INVALID_JSON_DESCRIPTION. */
  code: string;
  message: string;
  /** JSON pointer to the fault, e.g. `/States/Foo/Next`; AWS omits it for some codes. */
  location?: string;
}
