#!/usr/bin/env node
// Usage: node wide_check.mjs NESTED.parquet WIDE.parquet
// Checks, with DuckDB, that a wide-layout file holds exactly the records of
// the nested-layout file of the same capture and options (SPEC §6): same
// keys and totals row by row, P.._TO/PS/D equal to the lists padded with -1,
// and the payload cells C_... equal to the sequence built from the nested
// payloads: for each listed packet -4, its bytes, -8, while at least two
// cells remain, bytes cut to fit, unused cells -1.
// Prints "OK N rows" or the first differences; exit 1 on any difference.
import { DuckDBInstance } from '@duckdb/node-api';

const [nestedFile, wideFile] = process.argv.slice(2);
if (!wideFile) {
    console.error('usage: node wide_check.mjs NESTED.parquet WIDE.parquet');
    process.exit(2);
}
const con = await (await DuckDBInstance.create(':memory:')).connect();
const q = async (sql) => (await con.runAndReadAll(sql)).getRowObjectsJson();
const lit = (f) => `'${f.replaceAll("'", "''")}'`;

const nested = await q(`SELECT device, epoch_us(first_seen)::VARCHAR AS fs, remote_ip, protocol,
    device_port, remote_port, total_bytes::VARCHAR AS tb, total_packets::VARCHAR AS tp,
    pkt_offset_us, pkt_size, pkt_direction, list_transform(pkt_payload, x -> hex(x)) AS pl
    FROM read_parquet(${lit(nestedFile)})`);
const wideCols = (await q(`DESCRIBE SELECT * FROM read_parquet(${lit(wideFile)})`)).map((r) => r.column_name);
const cellCols = wideCols.filter((c) => /^C_\d+$/.test(c));
const pkts = wideCols.filter((c) => /^P\d+_TO$/.test(c)).length;
const wide = await q(`SELECT Device, epoch_us(FirstSeen)::VARCHAR AS fs, RemIP, Proto, DevPort, RemPort,
    TotalFlowSize::VARCHAR AS tb, PacketCount::VARCHAR AS tp,
    [${wideCols.filter((c) => /^P\d+_TO$/.test(c)).join(', ')}]::VARCHAR[] AS tos,
    [${wideCols.filter((c) => /^P\d+_PS$/.test(c)).join(', ')}] AS pss,
    [${wideCols.filter((c) => /^P\d+_D$/.test(c)).join(', ')}] AS ds,
    [${cellCols.join(', ')}] AS cells
    FROM read_parquet(${lit(wideFile)})`);

function cellsOf(payloadsHex, B) {
    const out = [];
    for (const h of payloadsHex) {
        if (B - out.length < 2) break;
        out.push(-4);
        const room = B - out.length - 1;
        const bytes = (h.match(/../g) || []).map((x) => parseInt(x, 16)).slice(0, room);
        out.push(...bytes, -8);
    }
    while (out.length < B) out.push(-1);
    return out;
}
const pad = (a, n) => [...a, ...Array(Math.max(0, n - a.length)).fill(-1)].slice(0, n);

let bad = 0;
const say = (m) => {
    if (bad++ < 10) console.log(m);
};
if (nested.length !== wide.length) say(`row count: nested ${nested.length}, wide ${wide.length}`);
for (let k = 0; k < Math.min(nested.length, wide.length); k++) {
    const n = nested[k], w = wide[k];
    const keyN = [n.device, n.fs, n.remote_ip, n.protocol, n.device_port, n.remote_port, n.tb, n.tp];
    const keyW = [w.Device, w.fs, w.RemIP, w.Proto, w.DevPort, w.RemPort, w.tb, w.tp];
    if (JSON.stringify(keyN) !== JSON.stringify(keyW)) say(`row ${k} key ${JSON.stringify(keyW)} != ${JSON.stringify(keyN)}`);
    const tos = pad(n.pkt_offset_us.map(String), pkts).map(String);
    if (JSON.stringify(w.tos) !== JSON.stringify(tos)) say(`row ${k} P_TO ${w.tos} != ${tos}`);
    if (JSON.stringify(w.pss) !== JSON.stringify(pad(n.pkt_size, pkts))) say(`row ${k} P_PS ${w.pss}`);
    if (JSON.stringify(w.ds) !== JSON.stringify(pad(n.pkt_direction, pkts))) say(`row ${k} P_D ${w.ds}`);
    const want = cellsOf(n.pl, cellCols.length);
    const i = want.findIndex((v, j) => v !== w.cells[j]);
    if (i >= 0) say(`row ${k} cell C_${i}: wide ${w.cells[i]}, expected ${want[i]}`);
}
console.log(bad ? `MISMATCH ${bad} differences` : `OK ${nested.length} rows, ${cellCols.length} cells, ${pkts} packets`);
process.exit(bad ? 1 : 0);
