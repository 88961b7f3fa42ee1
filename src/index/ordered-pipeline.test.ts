import { describe, expect, it } from 'vitest';
import { createOrderedPipeline } from './ordered-pipeline.js';

const later = <T>(value: T, ms: number): Promise<T> => new Promise((resolve) => setTimeout(() => resolve(value), ms));

describe('ordered pipeline', () => {
  it('consumes results in submission order whatever order they finish in', async () => {
    const seen: number[] = [];
    const pipeline = createOrderedPipeline<number>(3, (n) => seen.push(n));
    for (const [n, ms] of [[1, 30], [2, 5], [3, 15], [4, 0], [5, 10]] as const) await pipeline.push(later(n, ms));
    await pipeline.drain();
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });

  it('holds the producer while the window is full', async () => {
    const pipeline = createOrderedPipeline<number>(2, () => undefined);
    let release!: (n: number) => void;
    await pipeline.push(new Promise<number>((r) => (release = r)));
    let returned = false;
    const second = pipeline.push(Promise.resolve(2)).then(() => (returned = true));
    await later(0, 10);
    expect(returned).toBe(false);
    release(1);
    await second;
    expect(returned).toBe(true);
  });

  it('reports the first failure on drain, without an unhandled rejection', async () => {
    const seen: number[] = [];
    const pipeline = createOrderedPipeline<number>(4, (n) => seen.push(n));
    await pipeline.push(Promise.resolve(1));
    await pipeline.push(Promise.reject(new Error('worker died')));
    await pipeline.push(Promise.resolve(3));
    await expect(pipeline.drain()).rejects.toThrow('worker died');
    expect(seen).toEqual([1]);
  });
});
