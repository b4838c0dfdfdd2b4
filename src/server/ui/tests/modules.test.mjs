// Every module links (its imports name real exports) and is listed in the
// server's table of UI files (src/server/ui.rs), so it is compiled in.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ui = join(dirname(fileURLToPath(import.meta.url)), '..');

function modules(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.isDirectory()) return e.name === 'tests' ? [] : modules(join(dir, e.name));
    return e.name.endsWith('.js') ? [relative(ui, join(dir, e.name))] : [];
  });
}

test('every module is served by ui.rs', () => {
  const table = readFileSync(join(ui, '..', 'ui.rs'), 'utf8');
  const listed = [...table.matchAll(/js!\("([^"]+)"\)/g)].map((m) => m[1]).sort();
  assert.deepEqual(listed, modules(ui).sort());
});

test('every module but the entry point imports without a DOM', async () => {
  for (const m of modules(ui)) {
    if (m === 'app.js') continue; // starts the app: needs a document
    await import(join(ui, m));
  }
});

test('the entry point imports only names its modules export', async () => {
  const src = readFileSync(join(ui, 'app.js'), 'utf8');
  for (const [, names, from] of src.matchAll(/import \{([^}]*)\} from '([^']+)'/g)) {
    const mod = await import(join(ui, from));
    for (const name of names.split(',').map((x) => x.trim()).filter(Boolean)) {
      assert.ok(name in mod, `${from} does not export ${name}`);
    }
  }
});
