#!/usr/bin/env node
// Usage: node bench/duckdb_copy.mjs SRC.parquet OUT.parquet REPS THREADS [CODEC [LEVEL [RG]]]
// Loads SRC (the rows pq_bench wrote) into an in-memory DuckDB table, then
// times REPS runs of COPY tbl TO OUT (FORMAT parquet, COMPRESSION CODEC,
// COMPRESSION_LEVEL LEVEL (zstd only; 0 or absent: DuckDB's default),
// ROW_GROUP_SIZE: RG rows, or "match" for SRC's largest row group, or 0 /
// absent for DuckDB's default) with THREADS threads. Only the COPY is timed. Prints one line per run
// ("duckdb_copy threads=T rep=I elapsed_s=S rows=N") and a final summary
// with the written file's size and row-group count, and checksums of SRC
// and OUT so the caller can see both files hold the same rows.
// Uses the @duckdb/node-api installed under tests/readers.
import { createRequire } from 'node:module';

const require = createRequire(new URL('../tests/readers/package.json', import.meta.url));
const { DuckDBInstance } = require('@duckdb/node-api');

const [src, out, repsArg, threadsArg, codecArg] = process.argv.slice(2);
if (!src || !out) {
    console.error('usage: node bench/duckdb_copy.mjs SRC.parquet OUT.parquet REPS THREADS [CODEC]');
    process.exit(2);
}
const reps = Number(repsArg || 3);
const threads = Number(threadsArg || 1);
const codec = codecArg || 'zstd';
const level = Number(process.argv[7] || 0);
const rgArg = process.argv[8] || '0';
const lit = (s) => `'${s.replaceAll("'", "''")}'`;

const inst = await DuckDBInstance.create(':memory:');
const c = await inst.connect();
await c.run(`SET threads = ${threads}`);
await c.run(`CREATE TABLE t AS SELECT * FROM read_parquet(${lit(src)})`);
const n = Number((await c.runAndReadAll('SELECT count(*) FROM t')).getRowsJS()[0][0]);
let rgRows = Number(rgArg);
if (rgArg === 'match') {
    rgRows = Number((await c.runAndReadAll(
        `SELECT max(row_group_num_rows) FROM parquet_metadata(${lit(src)})`)).getRowsJS()[0][0]);
}
let opts = `FORMAT parquet, COMPRESSION ${codec}`;
if (level && codec === 'zstd') opts += `, COMPRESSION_LEVEL ${level}`;
if (rgRows) opts += `, ROW_GROUP_SIZE ${rgRows}`;
console.log(`duckdb_copy options: ${opts}`);
for (let i = 0; i < reps; i++) {
    const t0 = process.hrtime.bigint();
    await c.run(`COPY t TO ${lit(out)} (${opts})`);
    const el = Number(process.hrtime.bigint() - t0) / 1e9;
    console.log(`duckdb_copy threads=${threads} rep=${i} elapsed_s=${el.toFixed(3)} rows=${n}`);
}
const sum = async (f) =>
    (await c.runAndReadAll(`SELECT count(*), sum(total_bytes), sum(len(pkt_payload)),
        sum(hash(device, first_seen, remote_ip, protocol, device_port, remote_port, total_packets,
                 pkt_offset_us, pkt_size, pkt_direction, pkt_payload) % 1000003)
        FROM read_parquet(${lit(f)})`)).getRowsJS()[0].map(String).join('/');
const rg = async (f) =>
    (await c.runAndReadAll(`SELECT count(DISTINCT row_group_id), max(row_group_num_rows)
        FROM parquet_metadata(${lit(f)})`)).getRowsJS()[0].map(String);
const [srcRg, srcRgRows] = await rg(src);
const [outRg, outRgRows] = await rg(out);
console.log(`ours_row_groups=${srcRg} ours_max_rows_per_group=${srcRgRows} duckdb_row_groups=${outRg} duckdb_max_rows_per_group=${outRgRows}`);
console.log(`checksum_ours=${await sum(src)} checksum_duckdb=${await sum(out)}`);
