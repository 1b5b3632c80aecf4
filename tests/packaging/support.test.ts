import { describe, expect, it } from 'vitest';
import { importedPackages } from './support.js';

describe('Function: importedPackages', () => {
  it('finds static imports, re-exports, import() and require() of packages, without Node built-ins or relative files', () => {
    const source = [
      "import { a } from '@scope/pkg/sub';",
      "export * from 'plain';",
      "const lazy = await import('lazy-one');",
      "const cjs = require('cjs-one');",
      "import { readFileSync } from 'node:fs';",
      "import { join } from 'path';",
      "import { local } from './local.js';",
    ].join('\n');

    expect([...importedPackages(source)].sort()).toEqual(['@scope/pkg', 'cjs-one', 'lazy-one', 'plain']);
  });

  it('ignores import text inside strings and comments (a scaffold carries the files it writes)', () => {
    const source = [
      '// import { x } from "in-a-comment";',
      'const file = `',
      "import { describe, expect, it } from 'vitest';",
      "import { createFakeSession } from '${name}';",
      '`;',
      "const text = \"import 'in-a-string'\";",
    ].join('\n');

    expect([...importedPackages(source)]).toEqual([]);
  });
});
