#!/usr/bin/env node
// Usage: node duckdb_dump.mjs FILE.parquet OUT.json
// Writes DuckDB's canonical view of FILE (tests/readers/readers.mjs: schema
// and every row) to OUT.json; a file, not stdout, since Node cuts piped
// output at exit past 64 KiB.
import { writeFileSync } from 'node:fs';
import { readDuckdb } from '../../tests/readers/readers.mjs';

const [file, out] = process.argv.slice(2);
if (!file || !out) {
    console.error('usage: node duckdb_dump.mjs FILE.parquet OUT.json');
    process.exit(2);
}
writeFileSync(out, JSON.stringify(await readDuckdb(file)));
process.exit(0);
