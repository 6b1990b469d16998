#!/usr/bin/env node
// Usage: node compare.mjs [--reader R]... EXPECTED.json FILE...
//        node compare.mjs [--reader R]... --dir DIR
//          (every DIR/X.expected.json against DIR/X.parquet)
// Reads every FILE with each reader (default: all three) and checks it
// against EXPECTED.json:
//   { "columns": [{ "name", "type", "physical"?, "repetition"? }],
//     "rows": [[...], ...],
//     "meta"?: { "codec"?, "min_row_groups"?, "encodings"?: { COL: [ENC, ...] } } }
// Prints one line per mismatch (reader, file, column, row, expected, got)
// and a summary line per (file, reader): "OK reader file" or
// "MISMATCH reader file (N)". Exits 1 on any mismatch or reader error.
import { READERS, readWith } from './readers.mjs';
import { readFileSync, readdirSync } from 'node:fs';

const args = process.argv.slice(2);
const readers = [];
while (args[0] === '--reader') {
    readers.push(args[1]);
    args.splice(0, 2);
}
const jobs = []; // [expected object, file]
if (args[0] === '--dir' && args.length === 2) {
    for (const f of readdirSync(args[1]).sort()) {
        if (!f.endsWith('.expected.json')) continue;
        const base = `${args[1]}/${f.slice(0, -'.expected.json'.length)}`;
        jobs.push([JSON.parse(readFileSync(`${base}.expected.json`, 'utf8')), `${base}.parquet`]);
    }
} else if (args.length >= 2) {
    const expected = JSON.parse(readFileSync(args[0], 'utf8'));
    for (const f of args.slice(1)) jobs.push([expected, f]);
} else {
    console.error('usage: node compare.mjs [--reader R]... EXPECTED.json FILE... | --dir DIR');
    process.exit(2);
}

const INT = /^u?int(8|16|32|64)$/;
// Canonical form of one value of vocabulary type `type`, for comparison.
function canon(type, v) {
    if (v === null || v === undefined) return null;
    if (type.startsWith('list<')) {
        if (!Array.isArray(v)) return { not_a_list: v };
        const inner = type.slice(5, -1);
        return v.map((x) => canon(inner, x));
    }
    if (INT.test(type) || type === 'timestamp_us_utc') {
        if (typeof v === 'number' || typeof v === 'string' || typeof v === 'bigint') {
            try {
                return BigInt(v).toString();
            } catch {
                return { not_an_integer: v };
            }
        }
        return { not_an_integer: v };
    }
    return v;
}
const show = (v) => {
    const s = JSON.stringify(v);
    return s === undefined ? 'undefined' : s.length > 200 ? s.slice(0, 200) + `...(${s.length} chars)` : s;
};

let bad = 0;
for (const [expected, file] of jobs) {
    for (const reader of readers.length ? readers : READERS) {
        let n = 0;
        const mis = (col, row, exp, got) => {
            n++;
            if (n <= 50) console.log(`${reader}\t${file}\tcolumn=${col}\trow=${row}\texpected=${show(exp)}\tgot=${show(got)}`);
        };
        let got;
        try {
            got = await readWith(reader, file);
        } catch (e) {
            mis('*', '*', 'readable file', `error: ${e && e.message ? e.message : e}`);
            console.log(`MISMATCH ${reader} ${file} (reader error)`);
            bad++;
            continue;
        }
        const ec = expected.columns;
        if (got.columns.length !== ec.length) mis('*', 'schema', `${ec.length} columns`, `${got.columns.length} columns`);
        ec.forEach((c, i) => {
            const g = got.columns[i];
            if (!g) return;
            if (g.name !== c.name) mis(c.name, 'schema:name', c.name, g.name);
            if (g.type !== c.type) mis(c.name, 'schema:type', c.type, `${g.type} (reported ${g.reported})`);
            if (c.physical && g.physical !== undefined && g.physical !== c.physical)
                mis(c.name, 'schema:physical', c.physical, g.physical);
            if (c.repetition && g.repetition !== undefined && g.repetition !== c.repetition)
                mis(c.name, 'schema:repetition', c.repetition, g.repetition);
            if (g.footer_type !== undefined && g.footer_type !== c.type)
                mis(c.name, 'schema:footer_type', c.type, g.footer_type);
        });
        if (got.rows.length !== expected.rows.length) mis('*', 'count', expected.rows.length, got.rows.length);
        const nr = Math.min(got.rows.length, expected.rows.length);
        for (let r = 0; r < nr; r++) {
            ec.forEach((c, i) => {
                const e = canon(c.type, expected.rows[r][i]);
                const g = canon(c.type, got.rows[r][i]);
                if (JSON.stringify(e) !== JSON.stringify(g)) mis(c.name, r, e, g);
            });
        }
        const em = expected.meta || {};
        if (got.meta) {
            if (got.meta.num_rows !== expected.rows.length) mis('*', 'meta:num_rows', expected.rows.length, got.meta.num_rows);
            if (em.codec && !(got.meta.codecs.length === 1 && got.meta.codecs[0] === em.codec))
                mis('*', 'meta:codec', em.codec, got.meta.codecs);
            if (em.min_row_groups !== undefined && got.meta.row_groups < em.min_row_groups)
                mis('*', 'meta:row_groups', `>= ${em.min_row_groups}`, got.meta.row_groups);
            if (em.max_row_groups !== undefined && got.meta.row_groups > em.max_row_groups)
                mis('*', 'meta:row_groups', `<= ${em.max_row_groups}`, got.meta.row_groups);
            for (const [col, encs] of Object.entries(em.encodings || {})) {
                for (const enc of encs) {
                    if (!(got.meta.encodings[col] || []).includes(enc)) mis(col, 'meta:encodings', `includes ${enc}`, got.meta.encodings[col]);
                }
            }
        }
        if (n > 50) console.log(`${reader}\t${file}\t... ${n - 50} more mismatches`);
        console.log(`${n ? 'MISMATCH' : 'OK'} ${reader} ${file}${n ? ` (${n})` : ''}`);
        if (n) bad++;
    }
}
process.exit(bad ? 1 : 0);
