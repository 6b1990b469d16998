#!/usr/bin/env node
// Usage: node read.mjs FILE [READER...]
// Prints, per reader, a canonical JSON view of FILE (schema + every row);
// see readers.mjs for the canonical form. Exits 1 when a reader fails.
import { READERS, readWith } from './readers.mjs';

const [file, ...only] = process.argv.slice(2);
if (!file) {
    console.error('usage: node read.mjs FILE [duckdb|hyparquet|parquet-wasm ...]');
    process.exit(2);
}
let status = 0;
const out = {};
for (const r of only.length ? only : READERS) {
    try {
        out[r] = await readWith(r, file);
    } catch (e) {
        out[r] = { error: String(e && e.stack ? e.stack : e) };
        status = 1;
    }
}
process.stdout.write(JSON.stringify(out, null, 1) + '\n');
process.exit(status);
