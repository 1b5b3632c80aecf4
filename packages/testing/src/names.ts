import { randomBytes } from 'node:crypto';

/** A name unique to this run, valid as a stack, queue or table name: `<prefix>-<8 hex>`. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}
