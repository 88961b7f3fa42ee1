// Seeds and sizes of the fuzzing and crash tests: fixed by default so that every CI run is the same run, printed so
// that a failure can be replayed, and overridable (VIGIE_FUZZ_SEED, VIGIE_FUZZ_RUNS) to explore further.

import { createRandom, type Random } from '../../../src/synth/random.js';

export interface FuzzConfig {
  seed: string;
  runs: number;
  random: Random;
}

/**
 * The seed and number of cases of one fuzzing test. `VIGIE_FUZZ_SEED` replaces the seed of every test (each test
 * still draws its own stream from it); `VIGIE_FUZZ_RUNS` the number of cases (the defaults are at least `minimum`,
 * the figure the issue asks of every CI run; fewer are allowed, with a warning, to replay a case quickly).
 */
export function fuzzConfig(
  test: string,
  defaults: { seed: string; runs: number; minimum: number; runsVariable?: string; unit?: string },
): FuzzConfig {
  const variable = defaults.runsVariable ?? 'VIGIE_FUZZ_RUNS';
  const unit = defaults.unit ?? 'cases';
  const seed = process.env['VIGIE_FUZZ_SEED'] ?? defaults.seed;
  const asked = process.env[variable] === undefined ? defaults.runs : Number(process.env[variable]);
  if (!Number.isInteger(asked) || asked < 1) throw new RangeError(`${variable} expected a positive whole number, got ${process.env[variable]}`);
  const runs = asked;
  if (runs < defaults.minimum) console.warn(`${test}: ${runs} ${unit}, fewer than the ${defaults.minimum} of a CI run`);
  console.log(`${test}: seed ${JSON.stringify(seed)}, ${runs} ${unit} (replay with VIGIE_FUZZ_SEED=${JSON.stringify(seed)} ${variable}=${runs})`);
  return { seed, runs, random: createRandom(seed, test) };
}
