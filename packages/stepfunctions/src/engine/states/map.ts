import { randomUUID } from 'node:crypto';
import { STATES_ERRORS, statePrefix } from '../errors/names.js';
import { EventLog } from '../history/log.js';
import { batchItems } from '../map/batcher.js';
import { readItems } from '../map/item-reader.js';
import { writeResults } from '../map/result-writer.js';
import { toleranceExceeded, toleranceFailure, validateTolerance } from '../map/tolerance.js';
import { applyPath } from '../ql/jsonpath.js';
import { evaluatePayloadTemplate } from '../ql/payload.js';
import { evaluateJsonataAs } from '../ql/jsonata.js';
import { evaluateJsonataTemplate, isJsonataExpression } from '../ql/template.js';
import {
  bindingsOf,
  contextOf,
  errorOutput,
  asFailure,
  exitState,
  finishState,
  location,
  nextOf,
  readInteger,
  scopeOf,
  withRetryAndCatch,
  type Branch,
  type RunEnv,
  type StateExit,
  type StateRun,
} from '../run.js';
import { StateFailure, type Json, type JsonObject, type ObjectStore } from '../types.js';
import { VariableScope } from '../vars/scope.js';
import { isObject, type MachineSpec } from './machine.js';
import { runConcurrently } from './parallel.js';

/**
 * Map, inline and distributed.
 *
 * JSONPath: InputPath → ItemReader → ItemsPath → ItemSelector (or the legacy
 * Parameters) → ItemBatcher → iterations → ResultWriter → ResultSelector →
 * ResultPath → OutputPath. JSONata: Items (or ItemReader) → ItemSelector →
 * iterations → Assign / Output.
 *
 * Inline iterations write their events into the execution's history
 * (MapIterationStarted … Succeeded per item); a distributed Map runs child
 * executions whose events are not in the parent's history (MapRunStarted …).
 */
export async function runMap(run: StateRun): Promise<StateExit> {
  const processor = (run.state.ItemProcessor ?? run.state.Iterator) as MachineSpec | undefined;
  if (!processor) throw new StateFailure(STATES_ERRORS.Runtime, `${statePrefix(run.name, run.enteredEventId)}The Map state has no ItemProcessor.`);
  const config = isObject(processor.ProcessorConfig) ? processor.ProcessorConfig : {};
  const distributed = config.Mode === 'DISTRIBUTED';
  return withRetryAndCatch(
    run,
    async () => {
    const { items, selectorInput } = await readMapItems(run);
    const { env } = run;
    const concurrency = (await readInteger(run, 'MaxConcurrency', selectorInput, { min: 0 })) ?? 0;
    env.log.add(run.branch.frame, 'MapStateStarted', { length: run.state.ItemReader !== undefined ? 0 : items.length });
    const result = distributed
      ? await runDistributed(run, processor, items, selectorInput, concurrency)
      : await runInline(run, processor, items, selectorInput, concurrency);
    env.log.add(run.branch.frame, 'MapStateSucceeded');
    const { output, assigned } = await finishState(run, result, { resultSelector: true, defaultOutputIsResult: true });
    return exitState(run, output, assigned, nextOf(run.state));
    },
    { failedEvent: 'MapStateFailed' },
  );
}

/** The items to map over, and the data ItemSelector's `$` reads (the state's input after InputPath). */
async function readMapItems(run: StateRun): Promise<{ items: Json[]; selectorInput: Json }> {
  const state = run.state;
  const prefix = statePrefix(run.name, run.enteredEventId);
  if (run.language === 'JSONata') {
    let items: Json;
    if (state.ItemReader !== undefined) {
      items = await readFromStore(run, run.input);
    } else if (isJsonataExpression(state.Items)) {
      items = await evaluateJsonataAs(state.Items.slice(2, -2), bindingsOf(run), { location: location(run), field: 'Items' }, 'array');
    } else if (state.Items !== undefined) {
      items = await evaluateJsonataTemplate(state.Items as Json, bindingsOf(run), { location: location(run), field: 'Items' });
    } else {
      items = run.input;
    }
    if (!Array.isArray(items)) {
      throw new StateFailure(STATES_ERRORS.QueryEvaluationError, `${prefix}Map state input must be an array but was: ${JSON.stringify(items)}`);
    }
    return { items, selectorInput: run.input };
  }
  const scope = scopeOf(run);
  const selected = applyPath('InputPath', state.InputPath as string | null | undefined, run.input, scope, location(run));
  let source: Json = selected;
  if (state.ItemReader !== undefined) source = await readFromStore(run, selected);
  // With an ItemReader the items are the objects read; ItemsPath does not apply to them (recorded AWS runs with and without it agree).
  const items = state.ItemReader !== undefined ? source : applyPath('ItemsPath', (state.ItemsPath as string | undefined) ?? '$', source, scope, location(run));
  if (!Array.isArray(items)) {
    throw new StateFailure(STATES_ERRORS.Runtime, `${prefix}Map state input must be an array but was: ${JSON.stringify(items)}`);
  }
  return { items, selectorInput: selected };
}

/** ItemReader: its Parameters / Arguments evaluated, then the objects read from S3. */
async function readFromStore(run: StateRun, data: Json): Promise<Json[]> {
  const reader = run.state.ItemReader as JsonObject;
  const store = run.env.store;
  if (!store) {
    throw new StateFailure(
      STATES_ERRORS.ItemReaderFailed,
      `${statePrefix(run.name, run.enteredEventId)}No S3 double is available to read the ItemReader's objects.`,
    );
  }
  const evaluated: JsonObject = { Resource: reader.Resource ?? null };
  if (run.language === 'JSONata') {
    if (reader.Arguments !== undefined) {
      evaluated.Arguments = await evaluateJsonataTemplate(reader.Arguments, bindingsOf(run), { location: location(run), field: 'ItemReader/Arguments' });
    }
  } else if (reader.Parameters !== undefined) {
    evaluated.Parameters = evaluatePayloadTemplate(reader.Parameters, data, scopeOf(run), location(run), 'ItemReader.Parameters');
  }
  if (isObject(reader.ReaderConfig)) {
    const config: JsonObject = { ...reader.ReaderConfig };
    if (typeof config.MaxItemsPath === 'string') {
      config.MaxItems = applyPath('MaxItemsPath', config.MaxItemsPath, data, scopeOf(run), location(run));
      delete config.MaxItemsPath;
    } else if (isJsonataExpression(config.MaxItems)) {
      config.MaxItems = await evaluateJsonataTemplate(config.MaxItems, bindingsOf(run), { location: location(run), field: 'ItemReader/ReaderConfig/MaxItems' });
    }
    evaluated.ReaderConfig = config;
  }
  return readItems(evaluated as unknown as Parameters<typeof readItems>[0], store, location(run));
}

/** Each iteration's input: ItemSelector (or legacy Parameters) with `$$.Map.Item`, else the item itself. */
async function iterationInput(run: StateRun, item: Json, index: number, selectorInput: Json): Promise<Json> {
  const selector = run.state.ItemSelector ?? (run.language === 'JSONPath' ? run.state.Parameters : undefined);
  if (selector === undefined) return item;
  const source = run.state.ItemReader === undefined ? { Source: 'STATE_DATA' } : {};
  const withItem: StateRun = { ...run, branch: { ...run.branch, mapItem: { Index: index, Value: item, ...source } } };
  if (run.language === 'JSONata') {
    return evaluateJsonataTemplate(selector as Json, bindingsOf(withItem), { location: location(run), field: 'ItemSelector' });
  }
  return evaluatePayloadTemplate(selector as Json, selectorInput, scopeOf(withItem, contextOf(withItem)), location(run), 'ItemSelector');
}

async function runInline(run: StateRun, processor: MachineSpec, items: Json[], selectorInput: Json, concurrency: number): Promise<Json[]> {
  const { env } = run;
  const inputs: Json[] = [];
  for (let index = 0; index < items.length; index++) inputs.push(await iterationInput(run, items[index] as Json, index, selectorInput));
  const details = (index: number): Record<string, unknown> => ({ index, name: run.name });
  let lastSucceeded: number | undefined;
  const outcome = await runConcurrently(
    run,
    inputs.map((input) => (branch: Branch) => env.runStates(processor, input, branch)),
    {
      concurrency,
      kind: 'iteration',
      mapItem: (index) => ({ Index: index, Value: items[index] as Json }),
      start: (index, frame) => env.log.add(frame, 'MapIterationStarted', details(index)),
      succeeded: (index, frame) => {
        lastSucceeded = env.log.add(frame, 'MapIterationSucceeded', details(index));
      },
      failed: (index, frame) => env.log.add(frame, 'MapIterationFailed', details(index)),
      abortedLine: (index, frame) => env.log.add(frame, 'MapIterationAborted', details(index)),
    },
  );
  if (outcome.failure !== undefined) throw outcome.failure;
  // Recorded AWS: MapStateSucceeded points back to the last MapIterationSucceeded.
  if (lastSucceeded !== undefined) run.branch.frame.cursor = lastSucceeded;
  return outcome.outputs;
}

async function runDistributed(run: StateRun, processor: MachineSpec, items: Json[], selectorInput: Json, concurrency: number): Promise<Json> {
  const { env } = run;
  const label = typeof run.state.Label === 'string' ? run.state.Label : run.name;
  const runId = randomUUID();
  const mapRunArn = `arn:${env.partition}:states:${env.region}:${env.account}:mapRun:${env.stateMachine.Name}/${label}:${runId}`;
  // Recorded AWS: a bad tolerance fails the state after MapStateStarted, before the Map Run starts.
  const toleratedCount = await readInteger(run, 'ToleratedFailureCount', selectorInput);
  const toleratedPercentage = await readTolerance(run, selectorInput);
  const tolerance = {
    ...(toleratedCount !== undefined ? { count: toleratedCount } : {}),
    ...(toleratedPercentage !== undefined ? { percentage: toleratedPercentage } : {}),
  };
  validateTolerance(tolerance, location(run));
  env.log.add(run.branch.frame, 'MapRunStarted', { mapRunArn });

  const selected: Json[] = [];
  for (let index = 0; index < items.length; index++) selected.push(await iterationInput(run, items[index] as Json, index, selectorInput));
  const batcher = run.state.ItemBatcher;
  const batched = isObject(batcher);
  const childInputs: Json[] = batched ? batchItems(selected, await batcherSettings(run, batcher, selectorInput)) : selected;


  type ChildRecord = Parameters<typeof writeResults>[1]['results'][number];
  const records: ChildRecord[] = [];
  let failures = 0;
  const outputs: Json[] = new Array<Json>(childInputs.length).fill(null);
  let next = 0;
  const limit = concurrency > 0 ? concurrency : childInputs.length;
  const worker = async (): Promise<void> => {
    while (next < childInputs.length) {
      const index = next++;
      const input = childInputs[index] as Json;
      const name = randomUUID();
      const startDate = new Date(env.clock.now());
      try {
        const output = await runChild(run, processor, input, index, items[index] as Json, name, mapRunArn);
        outputs[index] = output;
        records.push({ index, status: 'SUCCEEDED', input, output, name, startDate, stopDate: new Date(env.clock.now()) });
      } catch (thrown) {
        const failure = asFailure(thrown);
        if (!failure) throw thrown;
        // Tolerance counts items: a failed batch fails every item in it.
        failures += batched ? ((input as { Items?: unknown[] }).Items?.length ?? 1) : 1;
        outputs[index] = errorOutput(failure);
        records.push({
          index,
          status: 'FAILED',
          input,
          name,
          startDate,
          stopDate: new Date(env.clock.now()),
          ...(failure.error !== undefined ? { error: failure.error } : {}),
          ...(failure.failureCause !== undefined ? { cause: failure.failureCause } : {}),
        });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, childInputs.length) }, worker));
  records.sort((a, b) => a.index - b.index);

  let result: Json = outputs;
  const writer = run.state.ResultWriter;
  if (isObject(writer) && (env.store || writer.Resource === undefined)) {
    const evaluated = await evaluateWriter(run, writer, selectorInput);
    result = await writeResults(evaluated, { mapRunArn, runId, executionArn: env.execution.Id, results: records }, env.store ?? noStore);
  }
  if (toleranceExceeded(failures, selected.length, tolerance)) {
    const failure = toleranceFailure(failures, selected.length, tolerance);
    env.log.add(run.branch.frame, 'MapRunFailed', {
      ...(failure.error !== undefined ? { error: failure.error } : {}),
      ...(failure.failureCause !== undefined ? { cause: failure.failureCause } : {}),
    });
    throw failure;
  }
  env.log.add(run.branch.frame, 'MapRunSucceeded');
  return result;
}

/** Stands in when no S3 double exists; a ResultWriter with a Resource then fails as a missing bucket would. */
const noStore: ObjectStore = {
  getObject: async () => undefined,
  putObject: async (bucket) => {
    throw new StateFailure(STATES_ERRORS.ResultWriterFailed, `No S3 double is available to write to bucket ${bucket}.`);
  },
  listObjects: async () => [],
};

/** One child execution of a distributed Map: its own history (not the parent's), no outer variables. */
async function runChild(run: StateRun, processor: MachineSpec, input: Json, index: number, item: Json, name: string, mapRunArn: string): Promise<Json> {
  const parent = run.env;
  const executionArn = `${mapRunArn.replace(':mapRun:', ':execution:')}:${name}`;
  const env: RunEnv = {
    ...parent,
    log: new EventLog(parent.clock),
    execution: { ...parent.execution, Id: executionArn, Name: name, Input: input, StartTime: new Date(parent.clock.now()).toISOString() },
    runStates: (machine, data, branch) => parent.runStates(machine, data, branch, env),
  };
  const branch: Branch = {
    frame: { cursor: 0 },
    scope: new VariableScope(),
    language: run.branch.language,
    signal: run.branch.signal,
    mapItem: { Index: index, Value: item },
  };
  return env.runStates(processor, input, branch);
}

async function batcherSettings(run: StateRun, batcher: JsonObject, data: Json): Promise<Parameters<typeof batchItems>[1]> {
  const settings: { MaxItemsPerBatch?: number; MaxInputBytesPerBatch?: number; BatchInput?: JsonObject } = {};
  const fakeRun: StateRun = { ...run, state: { Type: 'Map', ...batcher } };
  const maxItems = await readInteger(fakeRun, 'MaxItemsPerBatch', data, { min: 1 });
  const maxBytes = await readInteger(fakeRun, 'MaxInputBytesPerBatch', data, { min: 1 });
  if (maxItems !== undefined) settings.MaxItemsPerBatch = maxItems;
  if (maxBytes !== undefined) settings.MaxInputBytesPerBatch = maxBytes;
  if (batcher.BatchInput !== undefined) {
    const batchInput =
      run.language === 'JSONata'
        ? await evaluateJsonataTemplate(batcher.BatchInput, bindingsOf(run), { location: location(run), field: 'ItemBatcher/BatchInput' })
        : evaluatePayloadTemplate(batcher.BatchInput, data, scopeOf(run), location(run), 'ItemBatcher.BatchInput');
    if (isObject(batchInput)) settings.BatchInput = batchInput;
  }
  return settings;
}

async function readTolerance(run: StateRun, data: Json): Promise<number | undefined> {
  const state = run.state;
  const prefix = statePrefix(run.name, run.enteredEventId);
  let value: unknown = state.ToleratedFailurePercentage;
  if (isJsonataExpression(value)) {
    value = await evaluateJsonataTemplate(value, bindingsOf(run), { location: location(run), field: 'ToleratedFailurePercentage' });
  } else if (value === undefined && typeof state.ToleratedFailurePercentagePath === 'string') {
    value = applyPath('ToleratedFailurePercentagePath', state.ToleratedFailurePercentagePath, data, scopeOf(run), location(run));
  }
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) value = Number(value);
  if (typeof value !== 'number') {
    const shown = typeof value === 'string' ? value : JSON.stringify(value);
    throw new StateFailure(
      run.language === 'JSONata' ? STATES_ERRORS.QueryEvaluationError : STATES_ERRORS.Runtime,
      `${prefix}The ToleratedFailurePercentagePath field refers to value "${shown}" which is not a valid float: ${String(state.ToleratedFailurePercentagePath)}`,
    );
  }
  return value;
}

async function evaluateWriter(run: StateRun, writer: JsonObject, data: Json): Promise<Parameters<typeof writeResults>[0]> {
  const evaluated: JsonObject = { Resource: writer.Resource ?? null };
  if (run.language === 'JSONata' && writer.Arguments !== undefined) {
    evaluated.Arguments = await evaluateJsonataTemplate(writer.Arguments, bindingsOf(run), { location: location(run), field: 'ResultWriter/Arguments' });
  } else if (writer.Parameters !== undefined) {
    evaluated.Parameters = evaluatePayloadTemplate(writer.Parameters, data, scopeOf(run), location(run), 'ResultWriter.Parameters');
  }
  if (writer.WriterConfig !== undefined) evaluated.WriterConfig = writer.WriterConfig;
  return evaluated as unknown as Parameters<typeof writeResults>[0];
}
