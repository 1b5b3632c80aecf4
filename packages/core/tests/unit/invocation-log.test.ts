import { describe, expect, it } from 'vitest';
import { WaitTimeoutError } from '../../src/errors.js';
import { InvocationLog } from '../../src/invocation-log.js';

describe('Class: InvocationLog', () => {
  describe('Method: waitForInvocation', () => {
    it('resolves at once with an invocation already received', async () => {
      // Arrange
      const log = new InvocationLog<{ id: number }>('ECS task double RenderPdf');
      log.record({ id: 1 });

      // Act
      const found = await log.waitForInvocation({ timeoutMs: 10 });

      // Assert
      expect(found).toEqual({ id: 1 });
    });

    it('resolves when a matching invocation arrives later', async () => {
      const log = new InvocationLog<{ id: number }>('ECS task double RenderPdf');
      const waiting = log.waitForInvocation({ where: (invocation) => invocation.id === 2, timeoutMs: 1_000 });

      log.record({ id: 1 });
      setTimeout(() => log.record({ id: 2 }), 5);

      await expect(waiting).resolves.toEqual({ id: 2 });
    });

    it('fails after the timeout, listing what it received', async () => {
      const log = new InvocationLog<{ id: number }>('ECS task double RenderPdf');
      log.record({ id: 1 });

      const waiting = log.waitForInvocation({ where: (invocation) => invocation.id === 9, timeoutMs: 20 });

      await expect(waiting).rejects.toBeInstanceOf(WaitTimeoutError);
      await expect(waiting).rejects.toThrowErrorMatchingInlineSnapshot(`
        [WaitTimeoutError: ECS task double RenderPdf: no matching invocation within 20 ms. It received 1, none matching:
          #1 {"id":1}]
      `);
    });

    it('says when it received nothing at all', async () => {
      const log = new InvocationLog<{ id: number }>('Lambda double Validate');

      await expect(log.waitForInvocation({ timeoutMs: 5 })).rejects.toThrow(/It received none: is the workflow wired to this double/);
    });
  });

  describe('Method: clear', () => {
    it('forgets what was received', () => {
      const log = new InvocationLog<number>('x');
      log.record(1);

      log.clear();

      expect(log.invocations).toEqual([]);
    });
  });
});
