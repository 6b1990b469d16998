#!/usr/bin/env node
// Usage: node same_records.mjs [--set] [--ts-tolerance US] A B [A B]...
// For each pair of customflow record files, checks with DuckDB that they
// hold the same records in the same order: every column (key-value
// metadata aside), row for row. Prints "SAME N A B" or "DIFF A B: what"
// per pair; exits 1 if any pair differs or a file cannot be read.
//   --set             the order does not matter (rows are compared in sorted
//                     order), and A or B may be a glob of several files
//                     (rotated output)
//   --ts-tolerance US every column equal except the timestamps, which may
//                     differ by up to US microseconds per packet (first_seen
//                     + pkt_offset_us): for two captures of one interface
//                     whose packet sockets read the clock each for itself
import { DuckDBInstance } from '@duckdb/node-api';

const args = process.argv.slice(2);
const asSet = args[0] === '--set';
if (asSet) args.shift();
// (--ts-tolerance after --set)
let tol = null;
if (args[0] === '--ts-tolerance') {
    tol = Number(args[1]);
    args.splice(0, 2);
}
if (args.length === 0 || args.length % 2 || (tol !== null && !(tol >= 0))) {
    console.error('usage: node same_records.mjs [--set] [--ts-tolerance US] A B [A B]...');
    process.exit(2);
}
const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
const lit = (s) => `'${s.replaceAll("'", "''")}'`;
// Every row with its position: in the file, or (--set) in sorted order.
const rows = (f) =>
    asSet
        ? `(SELECT *, row_number() OVER (ORDER BY device, first_seen, remote_ip, protocol, device_port, remote_port) AS file_row_number FROM read_parquet(${lit(f)}))`
        : `read_parquet(${lit(f)}, file_row_number = true)`;
const rd = (f) => (tol === null ? rows(f) : `(SELECT * EXCLUDE (first_seen, pkt_offset_us) FROM ${rows(f)})`);
const one = async (sql) => (await con.runAndReadAll(sql)).getRows()[0].map(Number);
// Rows (by position) whose packet times differ by more than tol.
const times = (f) => `(SELECT file_row_number r, epoch_us(first_seen) f, pkt_offset_us o FROM ${rows(f)})`;
const timeDiffs = (a, b) =>
    one(`SELECT count(*) FROM ${times(a)} a JOIN ${times(b)} b USING (r)
         WHERE abs(a.f - b.f) > ${tol} OR len(a.o) != len(b.o)
            OR list_max(list_transform(range(1, len(a.o) + 1), k -> abs(a.f + a.o[k] - b.f - b.o[k]))) > ${tol}`);
let bad = 0;
for (let k = 0; k < args.length; k += 2) {
    const [a, b] = [args[k], args[k + 1]];
    try {
        const [na, nb, onlyA, onlyB] = await one(
            `SELECT (SELECT count(*) FROM ${rd(a)}), (SELECT count(*) FROM ${rd(b)}),
                    (SELECT count(*) FROM (SELECT * FROM ${rd(a)} EXCEPT ALL SELECT * FROM ${rd(b)})),
                    (SELECT count(*) FROM (SELECT * FROM ${rd(b)} EXCEPT ALL SELECT * FROM ${rd(a)}))`,
        );
        const [late] = tol === null ? [0] : await timeDiffs(a, b);
        if (na === nb && onlyA === 0 && onlyB === 0 && late === 0) {
            console.log(`SAME ${na} ${a} ${b}`);
            continue;
        }
        bad++;
        let first = '';
        if (onlyA) {
            const r = (
                await con.runAndReadAll(
                    `SELECT * FROM (SELECT * FROM ${rd(a)} EXCEPT ALL SELECT * FROM ${rd(b)}) ORDER BY ALL LIMIT 1`,
                )
            ).getRowObjectsJson()[0];
            first = `; first row only in A: ${JSON.stringify(r).slice(0, 400)}`;
        }
        const lateText = tol === null ? '' : `, ${late} with times more than ${tol} us apart`;
        console.log(`DIFF ${a} ${b}: ${na} vs ${nb} rows, ${onlyA} only in A, ${onlyB} only in B${lateText}${first}`);
    } catch (e) {
        bad++;
        console.log(`DIFF ${a} ${b}: ${e.message}`);
    }
}
process.exit(bad ? 1 : 0);
