#!/usr/bin/env node
// Usage: node textcmp.mjs COMPARISON [++ COMPARISON]...
//   COMPARISON: jsonl|csv [--variant NAME] TEXT... -- PARQUET...
// Checks, for each comparison, that the records of customflow's JSON lines or CSV files (in the
// order given) equal, value for value and in the same order, the rows of
// the Parquet files (in the order given) as DuckDB reads them. With
// --variant, the text has a "variant" column and only its rows of that
// variant are compared. The text is parsed here, by hand, keeping every
// number as its decimal text (JSON.parse would round 64-bit integers); each
// JSON line must also be valid for JSON.parse, each CSV line RFC 4180.
// Prints per comparison "K OK N" (K from 1, N rows compared) or
// "K MISMATCH: what"; exit status 1 on any mismatch.
import { readFileSync } from 'node:fs';
import { readWith } from './readers.mjs';

const COLS = ['device', 'first_seen', 'remote_ip', 'protocol', 'device_port', 'remote_port',
    'total_bytes', 'total_packets', 'pkt_offset_us', 'pkt_size', 'pkt_direction', 'pkt_payload'];
const LISTS = new Set(['pkt_offset_us', 'pkt_size', 'pkt_direction', 'pkt_payload']);

class Mismatch extends Error {}
function die(msg) {
    throw new Mismatch(msg);
}

// ---- JSON, numbers kept as text
function parseJson(text) {
    let i = 0;
    const ws = () => { while (' \t\r\n'.includes(text[i]) && i < text.length) i++; };
    function value() {
        ws();
        const c = text[i];
        if (c === '{') {
            i++;
            const o = {};
            ws();
            if (text[i] === '}') { i++; return o; }
            for (;;) {
                ws();
                const k = value();
                ws();
                if (text[i++] !== ':') throw new Error(`':' expected at ${i}`);
                o[k] = value();
                ws();
                if (text[i] === ',') { i++; continue; }
                if (text[i++] !== '}') throw new Error(`'}' expected at ${i}`);
                return o;
            }
        }
        if (c === '[') {
            i++;
            const a = [];
            ws();
            if (text[i] === ']') { i++; return a; }
            for (;;) {
                a.push(value());
                ws();
                if (text[i] === ',') { i++; continue; }
                if (text[i++] !== ']') throw new Error(`']' expected at ${i}`);
                return a;
            }
        }
        if (c === '"') {
            // JSON.parse decodes the escapes of one string.
            let j = i + 1;
            while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
            const s = JSON.parse(text.slice(i, j + 1));
            i = j + 1;
            return s;
        }
        const m = /^-?[0-9]+/.exec(text.slice(i, i + 32));
        if (!m) throw new Error(`unexpected '${c}' at ${i}`);
        i += m[0].length;
        return m[0];
    }
    const v = value();
    ws();
    if (i !== text.length) throw new Error(`trailing text at ${i}`);
    return v;
}

// ---- CSV (RFC 4180), every field as text
function parseCsv(text) {
    const rows = [];
    let row = [], field = '', i = 0, quoted = false;
    while (i < text.length) {
        const c = text[i];
        if (quoted) {
            if (c === '"' && text[i + 1] === '"') { field += '"'; i += 2; continue; }
            if (c === '"') { quoted = false; i++; continue; }
            field += c; i++; continue;
        }
        if (c === '"' && field === '') { quoted = true; i++; continue; }
        if (c === '"') throw new Error('quote inside an unquoted field');
        if (c === ',') { row.push(field); field = ''; i++; continue; }
        if (c === '\n') { row.push(field); rows.push(row); row = []; field = ''; i++; continue; }
        field += c; i++;
    }
    if (quoted) throw new Error('unterminated quoted field');
    if (field !== '' || row.length) throw new Error('last line without a line end');
    return rows;
}

// One canonical row: every value as text, lists as arrays of text.
function canon(get) {
    return COLS.map((c) => {
        const v = get(c);
        return LISTS.has(c) ? v.map(String) : String(v);
    });
}


async function compare(args) {
const format = args.shift();
let variant = null;
if (args[0] === '--variant') { args.shift(); variant = args.shift(); }
const sep = args.indexOf('--');
if (!['jsonl', 'csv'].includes(format) || sep < 0) {
    console.error('usage: node textcmp.mjs jsonl|csv [--variant NAME] TEXT... -- PARQUET... [++ ...]');
    process.exit(2);
}
const texts = args.slice(0, sep), parquets = args.slice(sep + 1);

const fromText = [];
for (const file of texts) {
    const body = readFileSync(file, 'utf8');
    if (format === 'jsonl') {
        const lines = body.split('\n');
        if (lines.pop() !== '') die(`${file}: last line without a line end`);
        for (const [n, line] of lines.entries()) {
            let o;
            try {
                JSON.parse(line);
                o = parseJson(line);
            } catch (e) {
                die(`${file}:${n + 1}: not a JSON object: ${e.message}`);
            }
            const keys = Object.keys(o);
            const want = (variant ? ['variant'] : []).concat(COLS);
            if (JSON.stringify(keys) !== JSON.stringify(want))
                die(`${file}:${n + 1}: keys ${keys} != ${want}`);
            if (variant && o.variant !== variant) continue;
            fromText.push(canon((c) => o[c]));
        }
    } else {
        let rows;
        try {
            rows = parseCsv(body);
        } catch (e) {
            die(`${file}: ${e.message}`);
        }
        const header = rows.shift() || [];
        const want = (variant ? ['variant'] : []).concat(COLS);
        if (JSON.stringify(header) !== JSON.stringify(want)) die(`${file}: header ${header}`);
        for (const [n, r] of rows.entries()) {
            if (r.length !== header.length) die(`${file}:${n + 2}: ${r.length} fields`);
            const o = Object.fromEntries(header.map((h, k) => [h, r[k]]));
            if (variant && o.variant !== variant) continue;
            // Lists: ';'-separated; pkt_payload has as many items as pkt_size.
            const items = (c) => {
                if (c === 'pkt_payload') {
                    const n = o.pkt_size === '' ? 0 : o.pkt_size.split(';').length;
                    return n === 0 ? [] : o[c].split(';');
                }
                return o[c] === '' ? [] : o[c].split(';');
            };
            fromText.push(canon((c) => (LISTS.has(c) ? items(c) : o[c])));
        }
    }
}

const fromParquet = [];
for (const file of parquets) {
    const view = await readWith('duckdb', file);
    const names = view.columns.map((c) => c.name);
    for (const row of view.rows)
        fromParquet.push(canon((c) => row[names.indexOf(c)]));
}

if (fromText.length !== fromParquet.length)
    die(`${fromText.length} text records, ${fromParquet.length} Parquet rows`);
for (let k = 0; k < fromText.length; k++) {
    const a = JSON.stringify(fromText[k]), b = JSON.stringify(fromParquet[k]);
    if (a !== b) die(`record ${k}: text ${a.slice(0, 400)} != parquet ${b.slice(0, 400)}`);
}
return fromText.length;
}

const all = process.argv.slice(2);
let bad = 0, k = 0;
while (all.length) {
    const end = all.indexOf('++');
    const group = end < 0 ? all.splice(0) : all.splice(0, end + 1).slice(0, -1);
    k++;
    try {
        console.log(`${k} OK ${await compare(group)}`);
    } catch (e) {
        if (!(e instanceof Mismatch)) throw e;
        console.log(`${k} MISMATCH: ${e.message}`);
        bad++;
    }
}
process.exit(bad ? 1 : 0);
