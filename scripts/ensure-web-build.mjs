// Builds the web command centre into web/dist when it is missing or older than its sources,
// so `npm start` on a fresh clone serves the dashboard with no extra step.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const index = path.join(root, 'web', 'dist', 'index.html');

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const src = path.join(root, 'web', 'src');
if (!existsSync(src)) process.exit(0);
if (existsSync(index) && statSync(index).mtimeMs >= newest(src)) process.exit(0);
process.stderr.write('[baogong] building the web command centre (web/dist)…\n');
const r = spawnSync('npm', ['run', '--silent', 'build:web'], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
