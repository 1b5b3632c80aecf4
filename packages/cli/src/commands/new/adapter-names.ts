import { BUILT_IN_ADAPTERS, HARNESS_COMMAND } from '../../constants.js';
import { UsageError } from '../../errors.js';
import { ADAPTER_NAME } from '../../options.js';

/** Every name `harness new adapter <name>` derives from the adapter's name. */
export interface AdapterNames {
  /** The adapter's `name`: the `adapters.<name>` key, the `<stack>-<name>` stack, the `<name>:<double>` double ids. */
  readonly name: string;
  /** The harness property of its mock API (`harness.nightJobs`): the name in camelCase. */
  readonly property: string;
  /** Whether the adapter needs an `apiName` (its name is not an identifier, e.g. `night-jobs`). */
  readonly needsApiName: boolean;
  /** The start of its type and class names: `NightJobs`. */
  readonly pascal: string;
  /** Its exported adapter object: `nightJobsAdapter`. */
  readonly adapterExport: string;
  /** The generated package's name: `harness-night-jobs`. */
  readonly packageName: string;
}

/**
 * Names harness gives its own meaning: the harness's own properties (an API there would
 * replace them), `then` (the harness would be a thenable) and `core` (`<stack>-core` is the
 * core stack). Core's adapter contract refuses the same properties.
 */
const RESERVED: Readonly<Record<string, string>> = {
  session: 'harness.session is the session id',
  stack: 'harness.stack is the stack name',
  target: 'harness.target is the target',
  dropped: 'harness.dropped lists dropped messages',
  close: 'harness.close() ends the session',
  then: 'a harness with a `then` would be a thenable, and `await createHarness(…)` would never resolve to it',
  core: 'its stack would be <stack>-core, the core stack every adapter shares',
};

/**
 * Checks an adapter's name for `harness new adapter` and derives the rest from it.
 * Refuses, with the fix, what harness.config.json or the harness would refuse later.
 *
 * @example
 * adapterNames('night-jobs'); // { name: 'night-jobs', property: 'nightJobs', needsApiName: true, pascal: 'NightJobs', … }
 */
export function adapterNames(name: string): AdapterNames {
  if (!ADAPTER_NAME.test(name) || name.endsWith('-') || name.includes('--')) {
    throw new UsageError(
      `'${name}' is not an adapter name. To fix this, use 1-50 lowercase letters, digits and single hyphens, starting with a letter ` +
        `(it is the adapters.<name> key of harness.config.json and part of stack names), e.g. \`${HARNESS_COMMAND} new adapter night-jobs\`.`,
    );
  }
  if (BUILT_IN_ADAPTERS.includes(name)) {
    throw new UsageError(
      `'${name}' is the name of harness's own adapter @harness/${name}: the two would share adapters.${name} and the stack <stack>-${name}. ` +
        'To fix this, give yours a name of its own.',
    );
  }
  const parts = name.split('-');
  const pascal = parts.map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('');
  const property = pascal.charAt(0).toLowerCase() + pascal.slice(1);
  const reason = RESERVED[name] ?? RESERVED[property];
  if (reason !== undefined) {
    throw new UsageError(`An adapter cannot be named '${name}': ${reason}. To fix this, give it another name.`);
  }
  return { name, property, needsApiName: property !== name, pascal, adapterExport: `${property}Adapter`, packageName: `harness-${name}` };
}
