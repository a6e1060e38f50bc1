#!/usr/bin/env node
// The `baogong` command: runs the TypeScript CLI through tsx (no build step), in this process:
// tsx's loader is registered here rather than by `tsx` spawning a second node process, so a
// command starts one process, not two (about 0.4 s of CPU less per command).
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

const here = path.dirname(fileURLToPath(import.meta.url));
register();
await import(pathToFileURL(path.join(here, '..', 'src', 'cli', 'main.ts')).href);
