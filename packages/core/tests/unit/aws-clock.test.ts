import { describe, expect, it } from 'vitest';
import { AwsClock, observeAwsClock } from '../../src/transport/aws-clock.js';

const httpDate = (ms: number): string => new Date(ms).toUTCString();

describe('Class: AwsClock', () => {
  it("is this machine's clock until an answer with a Date has been seen", () => {
    const clock = new AwsClock(() => 1_000_000);
    expect(clock.calibrated).toBe(false);
    expect(clock.now()).toBe(1_000_000);
  });

  it.each([
    ['5 minutes behind AWS', -300_000],
    ['5 minutes ahead of AWS', 300_000],
    ['70 s behind AWS', -70_000],
  ])('learns AWS time within a second when this machine is %s', (_case, skewMs) => {
    // Arrange: AWS's clock is the real one; answers take 20 ms
    let real = Date.parse('2026-11-25T19:20:00.300Z');
    const clock = new AwsClock(() => real + skewMs);

    // Act: answers over 3 s, each stamped with AWS's whole second
    for (let i = 0; i < 30; i++) {
      const sentAt = real + skewMs;
      real += 20;
      clock.observe(httpDate(real - 10), sentAt, real + skewMs);
      real += 100;
    }

    // Assert
    expect(Math.abs(clock.now() - real)).toBeLessThan(1_000);
    expect(Math.abs(clock.offsetMs + skewMs)).toBeLessThan(1_000);
  });

  it('narrows to well under a second as answers straddle second boundaries', () => {
    let real = Date.parse('2026-11-25T19:20:00.000Z');
    const clock = new AwsClock(() => real);
    for (let i = 0; i < 50; i++) {
      clock.observe(httpDate(real + 5), real, real + 10);
      real += 97;
    }
    expect(Math.abs(clock.offsetMs)).toBeLessThan(60);
  });

  it("starts over when an answer contradicts what it knows (this machine's clock was set)", () => {
    let local = Date.parse('2026-11-25T19:20:00.000Z');
    const clock = new AwsClock(() => local);
    clock.observe(httpDate(local), local - 5, local + 5);
    local -= 3_600_000; // set back an hour
    clock.observe(httpDate(local + 3_600_000), local - 5, local + 5);
    expect(Math.abs(clock.offsetMs - 3_600_000)).toBeLessThan(1_000);
  });

  it('ignores an answer without a usable Date', () => {
    const clock = new AwsClock(() => 5);
    clock.observe(undefined, 0, 1);
    clock.observe('not a date', 0, 1);
    expect(clock.calibrated).toBe(false);
  });
});

describe('Function: observeAwsClock', () => {
  it("feeds every answer's Date header to each clock watching the client, once the middleware is added", async () => {
    // Arrange: a client stand-in whose stack records the middleware
    const added: { middleware: unknown; name: string }[] = [];
    const client = { middlewareStack: { add: (middleware: unknown, options: { name: string }) => added.push({ middleware, name: options.name }) } };
    const skewed = new AwsClock(() => Date.now() + 300_000);
    const plain = new AwsClock();

    // Act
    const stopSkewed = observeAwsClock(client, skewed);
    observeAwsClock(client, plain);
    const handler = (added[0]?.middleware as (next: () => Promise<unknown>) => (args: unknown) => Promise<unknown>)(async () => ({
      response: { headers: { date: httpDate(Date.now()) } },
    }));
    await handler({});
    stopSkewed();
    await handler({});

    // Assert
    expect(added.map((entry) => entry.name)).toEqual(['harnessAwsClock']);
    expect(Math.abs(skewed.now() - Date.now())).toBeLessThan(1_500);
    expect(Math.abs(plain.now() - Date.now())).toBeLessThan(1_500);
  });
});
