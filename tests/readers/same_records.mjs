#!/usr/bin/env node
// Usage: node same_records.mjs A B [A B]...
// For each pair of customflow record files, checks with DuckDB that they
// hold the same records in the same order: every column (key-value
// metadata aside), row for row. Prints "SAME N A B" or "DIFF A B: what"
// per pair; exits 1 if any pair differs or a file cannot be read.
import { DuckDBInstance } from '@duckdb/node-api';

const args = process.argv.slice(2);
if (args.length === 0 || args.length % 2) {
    console.error('usage: node same_records.mjs A B [A B]...');
    process.exit(2);
}
const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
const lit = (s) => `'${s.replaceAll("'", "''")}'`;
const rd = (f) => `read_parquet(${lit(f)}, file_row_number = true)`;
let bad = 0;
for (let k = 0; k < args.length; k += 2) {
    const [a, b] = [args[k], args[k + 1]];
    try {
        const counts = (
            await con.runAndReadAll(
                `SELECT (SELECT count(*) FROM ${rd(a)}), (SELECT count(*) FROM ${rd(b)}),
                        (SELECT count(*) FROM (SELECT * FROM ${rd(a)} EXCEPT ALL SELECT * FROM ${rd(b)})),
                        (SELECT count(*) FROM (SELECT * FROM ${rd(b)} EXCEPT ALL SELECT * FROM ${rd(a)}))`,
            )
        ).getRows()[0].map(Number);
        const [na, nb, onlyA, onlyB] = counts;
        if (na === nb && onlyA === 0 && onlyB === 0) {
            console.log(`SAME ${na} ${a} ${b}`);
            continue;
        }
        bad++;
        let first = '';
        if (onlyA) {
            const r = (
                await con.runAndReadAll(
                    `SELECT * FROM (SELECT * FROM ${rd(a)} EXCEPT ALL SELECT * FROM ${rd(b)}) ORDER BY file_row_number LIMIT 1`,
                )
            ).getRowObjectsJson()[0];
            first = `; first row only in A: ${JSON.stringify(r).slice(0, 400)}`;
        }
        console.log(`DIFF ${a} ${b}: ${na} vs ${nb} rows, ${onlyA} only in A, ${onlyB} only in B${first}`);
    } catch (e) {
        bad++;
        console.log(`DIFF ${a} ${b}: ${e.message}`);
    }
}
process.exit(bad ? 1 : 0);
