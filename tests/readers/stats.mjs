#!/usr/bin/env node
// Usage: node stats.mjs FILE COLUMN...
// Checks, with DuckDB, that every row group's column statistics in FILE's
// footer (parquet_metadata(): stats_min_value, stats_max_value,
// stats_null_count) equal the true minimum, maximum and NULL count of the
// rows of that row group. Prints one line per mismatch and "OK stats FILE
// COLUMN (N row groups)" per good column; exits 1 on any mismatch.
import { duck } from './readers.mjs';

const [file, ...cols] = process.argv.slice(2);
if (!file || cols.length === 0) {
    console.error('usage: node stats.mjs FILE COLUMN...');
    process.exit(2);
}
const c = await duck();
const f = `'${file.replaceAll("'", "''")}'`;
const q = (s) => `"${s.replaceAll('"', '""')}"`;
let bad = 0;
for (const col of cols) {
    const st = await c.runAndReadAll(
        `SELECT row_group_id, stats_min_value, stats_max_value, stats_null_count
         FROM parquet_metadata(${f}) WHERE path_in_schema = '${col.replaceAll("'", "''")}' ORDER BY row_group_id`);
    const truth = await c.runAndReadAll(`
        WITH rg AS (SELECT DISTINCT row_group_id, row_group_num_rows AS n FROM parquet_metadata(${f})),
             b AS (SELECT row_group_id, sum(n) OVER (ORDER BY row_group_id) - n AS lo, n FROM rg)
        SELECT b.row_group_id, min(d.${q(col)})::VARCHAR, max(d.${q(col)})::VARCHAR,
               count(*) - count(d.${q(col)})
        FROM read_parquet(${f}, file_row_number = true) d
        JOIN b ON d.file_row_number >= b.lo AND d.file_row_number < b.lo + b.n
        GROUP BY ALL ORDER BY 1`);
    const s = st.getRowsJS();
    const t = truth.getRowsJS();
    let n = 0;
    if (s.length === 0) {
        console.log(`stats\t${file}\tcolumn=${col}\tno such column chunk`);
        n++;
    }
    if (s.length !== t.length) {
        console.log(`stats\t${file}\tcolumn=${col}\trow groups: footer ${s.length}, data ${t.length}`);
        n++;
    }
    for (let i = 0; i < Math.min(s.length, t.length); i++) {
        const [rg, smin, smax, snull] = s[i];
        const [, tmin, tmax, tnull] = t[i];
        const cmp = [['min', smin, tmin], ['max', smax, tmax], ['null_count', snull === null ? null : String(snull), String(tnull)]];
        for (const [what, got, exp] of cmp) {
            if (got !== exp) {
                console.log(`stats\t${file}\tcolumn=${col}\trow_group=${rg}\t${what}: expected=${exp}\tgot=${got}`);
                n++;
            }
        }
    }
    console.log(`${n ? 'MISMATCH' : 'OK'} stats ${file} ${col} (${s.length} row groups)`);
    if (n) bad++;
}
process.exit(bad ? 1 : 0);
