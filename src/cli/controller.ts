// `vigie controller init --out FILE`: writes a complete example controller.json that validates (docs/controller.md).

import { closeSync, openSync, writeSync } from 'node:fs';
import { exampleControllerConfig } from '../controller/example.js';
import { validateControllerConfig } from '../controller/config.js';
import { VigieError } from '../errors.js';
import { println } from './io.js';
import type { Command } from './main.js';

export const controllerInitCommand: Command = {
  name: 'controller init',
  summary: 'write an example controller.json to edit (identity, DPO, phone line, portal, breaches)',
  usage: 'vigie controller init --out FILE [--force]',
  options: { out: { type: 'string' }, force: { type: 'boolean' } },
  async run({ values }, io) {
    const path = values['out'];
    if (typeof path !== 'string') throw new VigieError('E_USAGE', '--out FILE is required');
    const config = exampleControllerConfig();
    validateControllerConfig(config, 'the built-in example'); // never write an example that would be refused
    const text = `${JSON.stringify(config, null, 2)}\n`;
    let fd: number;
    try {
      fd = openSync(path, values['force'] === true ? 'w' : 'wx', 0o644);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw new VigieError('E_USAGE', `${path} already exists; refusing to overwrite it without --force`);
      throw new VigieError('E_CONFIG', `cannot write ${path} (${code ?? 'error'})`, { cause: error });
    }
    try {
      writeSync(fd, text);
    } finally {
      closeSync(fd);
    }
    println(io.stdout, `Example controller configuration written to ${path}.`);
    println(io.stdout, 'Every value in it is invented: replace them all (fields are described in docs/controller.md).');
    return 0;
  },
};
