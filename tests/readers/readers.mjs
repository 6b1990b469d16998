// Reads one Parquet file with three independent readers (DuckDB, hyparquet,
// parquet-wasm + apache-arrow) and returns, per reader, a canonical view:
//   { columns: [{ name, type, reported, physical? , repetition? }],
//     rows: [[v, ...], ...], meta?: { num_rows, row_groups, codecs, encodings } }
// `type` uses the common vocabulary: int8 int16 int32 int64 uint8 uint16
// uint32 uint64 string binary timestamp_us_utc bool list<T>; `reported` is
// the reader's own name for the type. Values are canonical: integers that
// need 64 bits (and timestamps, as integer microseconds) as decimal
// strings, smaller integers as numbers, binary as lower-case hex, lists as
// arrays, null as null.
import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { readParquet } from 'parquet-wasm';
import { tableFromIPC, Type } from 'apache-arrow';

export const READERS = ['duckdb', 'hyparquet', 'parquet-wasm'];

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function hex(bytes) {
    let s = '';
    for (const b of bytes) s += b.toString(16).padStart(2, '0');
    return s;
}

// Generic normalisation of a JS value returned by a reader.
export function norm(v) {
    if (v === null || v === undefined) return null;
    if (typeof v === 'bigint') return v.toString();
    if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
    if (v instanceof Uint8Array) return hex(v);
    if (Array.isArray(v)) return v.map(norm);
    if (ArrayBuffer.isView(v)) return Array.from(v, norm);
    if (v instanceof Date) return String(BigInt(v.getTime()) * 1000n);
    return { unknown: String(v) };
}

// ---------------------------------------------------------------- footer view
// Maps a Parquet schema element (as hyparquet or DuckDB's parquet_schema()
// reports it) to the common vocabulary.
function leafVocab(el) {
    const lt = el.logical_type;
    const ct = el.converted_type;
    if (el.type === 'BOOLEAN') return 'bool';
    if (el.type === 'BYTE_ARRAY') {
        if ((lt && lt.type === 'STRING') || ct === 'UTF8') return 'string';
        if (!lt && !ct) return 'binary';
        return `byte_array(${lt ? lt.type : ct})`;
    }
    if (el.type === 'INT32' || el.type === 'INT64') {
        if (lt && lt.type === 'TIMESTAMP') {
            if (el.type === 'INT64' && lt.unit === 'MICROS' && lt.isAdjustedToUTC)
                return 'timestamp_us_utc';
            return `timestamp(${lt.unit},${lt.isAdjustedToUTC})`;
        }
        if (lt && lt.type === 'INTEGER') return `${lt.isSigned ? 'int' : 'uint'}${lt.bitWidth}`;
        if (!lt && ct) {
            const m = /^(U?)INT_(8|16|32|64)$/.exec(ct);
            if (m) return `${m[1] ? 'uint' : 'int'}${m[2]}`;
            if (ct === 'TIMESTAMP_MICROS') return 'timestamp_us_nonutc?';
            return `${el.type}(${ct})`;
        }
        return el.type === 'INT32' ? 'int32' : 'int64';
    }
    return `unsupported(${el.type})`;
}

// Walks the flat schema element list of a footer into top-level columns.
function footerColumns(schema) {
    const out = [];
    let i = 1;
    const root = schema[0];
    for (let c = 0; c < (root.num_children || 0); c++) {
        const el = schema[i];
        if (!el.num_children) {
            out.push({
                name: el.name,
                type: leafVocab(el),
                physical: el.type,
                repetition: el.repetition_type === 'REQUIRED' ? 'required' : el.repetition_type === 'OPTIONAL' ? 'optional' : 'repeated-leaf',
            });
            i += 1;
            continue;
        }
        // Expect the standard three-level list:
        // optional group NAME (LIST) { repeated group list { required T element; } }
        const mid = schema[i + 1];
        const leaf = schema[i + 2];
        const isList = (el.converted_type === 'LIST' || (el.logical_type && el.logical_type.type === 'LIST')) &&
            el.num_children === 1 && mid && mid.repetition_type === 'REPEATED' && mid.num_children === 1 &&
            mid.name === 'list' && leaf && !leaf.num_children && leaf.name === 'element';
        if (isList) {
            out.push({
                name: el.name,
                type: `list<${leafVocab(leaf)}>`,
                physical: leaf.type,
                repetition: el.repetition_type === 'OPTIONAL' && leaf.repetition_type === 'REQUIRED' ? 'list' : `list(${el.repetition_type},${leaf.repetition_type})`,
            });
            i += 3;
        } else {
            out.push({ name: el.name, type: `bad_group(${el.converted_type})`, physical: null, repetition: 'group' });
            // skip the subtree
            let pending = 1;
            while (pending > 0 && i < schema.length) {
                pending += (schema[i].num_children || 0) - 1;
                i++;
            }
        }
    }
    return out;
}

// ---------------------------------------------------------------- hyparquet
export async function readHyparquet(file) {
    const buf = readFileSync(file);
    const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
    const md = parquetMetadata(ab);
    const cols = footerColumns(md.schema).map((c) => ({ ...c, reported: c.type }));
    const objs = await parquetReadObjects({
        file: ab,
        compressors,
        utf8: false,
        parsers: { timestampFromMicroseconds: (v) => v },
    });
    const rows = objs.map((o) => cols.map((c) => norm(o[c.name])));
    const codecs = new Set();
    const encodings = {};
    for (const rg of md.row_groups) {
        for (const cc of rg.columns) {
            const m = cc.meta_data;
            codecs.add(m.codec);
            const key = m.path_in_schema[0];
            encodings[key] = [...new Set([...(encodings[key] || []), ...m.encodings])].sort();
        }
    }
    return {
        columns: cols,
        rows,
        meta: {
            num_rows: Number(md.num_rows),
            row_groups: md.row_groups.length,
            codecs: [...codecs].sort(),
            encodings,
        },
    };
}

// ---------------------------------------------------------------- DuckDB
function duckVocab(t) {
    const s = String(t);
    if (s.endsWith('[]')) return `list<${duckVocab(s.slice(0, -2))}>`;
    const map = {
        TINYINT: 'int8', SMALLINT: 'int16', INTEGER: 'int32', BIGINT: 'int64',
        UTINYINT: 'uint8', USMALLINT: 'uint16', UINTEGER: 'uint32', UBIGINT: 'uint64',
        VARCHAR: 'string', BLOB: 'binary', 'TIMESTAMP WITH TIME ZONE': 'timestamp_us_utc',
        BOOLEAN: 'bool',
    };
    return map[s] || `duckdb(${s})`;
}

function duckNorm(v) {
    if (v === null || v === undefined) return null;
    if (typeof v !== 'object') return norm(v);
    if ('bytes' in v) return hex(v.bytes);
    if ('micros' in v) return v.micros.toString();
    if ('items' in v) return v.items.map(duckNorm);
    return { unknown: String(v) };
}

function sqlString(s) {
    return `'${s.replaceAll("'", "''")}'`;
}

let duckConn = null;
export async function duck() {
    if (!duckConn) {
        const inst = await DuckDBInstance.create(':memory:');
        duckConn = await inst.connect();
    }
    return duckConn;
}

export async function readDuckdb(file) {
    const c = await duck();
    const f = sqlString(file);
    const r = await c.runAndReadAll(`SELECT * FROM read_parquet(${f})`);
    const names = r.columnNames();
    const types = r.columnTypes();
    // Physical types and structure as DuckDB's own footer parser reports them.
    const sch = await c.runAndReadAll(
        `SELECT name, type, converted_type, logical_type, repetition_type, num_children FROM parquet_schema(${f})`);
    const elems = sch.getRowsJS().map(([name, type, ct, lt, rep, nch]) => {
        let logical = null;
        if (lt) {
            const s = String(lt);
            if (s.startsWith('TimestampType')) {
                logical = {
                    type: 'TIMESTAMP',
                    isAdjustedToUTC: /isAdjustedToUTC=(1|true)/.test(s),
                    unit: /MICROS=MicroSeconds/.test(s) ? 'MICROS' : /MILLIS=MilliSeconds/.test(s) ? 'MILLIS' : 'NANOS',
                };
            } else if (s.startsWith('IntType')) {
                // DuckDB prints the int8 bitWidth as a raw character
                // ("bitWidth=@" for 64); accept digits too.
                const digits = /bitWidth=(\d+),/.exec(s);
                const at = s.indexOf('bitWidth=') + 'bitWidth='.length;
                const bw = digits ? Number(digits[1]) : s.charCodeAt(at);
                logical = { type: 'INTEGER', bitWidth: bw, isSigned: /isSigned=(1|true)/.test(s) };
            } else if (s.startsWith('StringType')) {
                logical = { type: 'STRING' };
            } else if (s.startsWith('ListType')) {
                logical = { type: 'LIST' };
            } else {
                logical = { type: s };
            }
        }
        return {
            name, type, converted_type: ct || undefined, logical_type: logical || undefined,
            repetition_type: rep, num_children: nch === null ? undefined : Number(nch),
        };
    });
    const footer = footerColumns(elems);
    const columns = names.map((n, i) => {
        const fc = footer[i] || {};
        return { name: n, type: duckVocab(types[i]), reported: String(types[i]), physical: fc.physical ?? null, repetition: fc.repetition ?? null, footer_type: fc.type ?? null };
    });
    const rows = r.getRows().map((row) => row.map(duckNorm));
    const md = await c.runAndReadAll(
        `SELECT row_group_id, path_in_schema, compression, encodings FROM parquet_metadata(${f})`);
    const codecs = new Set();
    const encodings = {};
    const rgs = new Set();
    for (const [rg, path, comp, enc] of md.getRowsJS()) {
        rgs.add(Number(rg));
        codecs.add(String(comp));
        const key = String(path).split(/[.,]/)[0].trim();
        encodings[key] = [...new Set([...(encodings[key] || []), ...String(enc).split(',').map((e) => e.trim())])].sort();
    }
    const fm = await c.runAndReadAll(`SELECT num_rows FROM parquet_file_metadata(${f})`);
    return {
        columns,
        rows,
        meta: { num_rows: Number(fm.getRowsJS()[0][0]), row_groups: rgs.size, codecs: [...codecs].sort(), encodings },
    };
}

// ---------------------------------------------------------------- parquet-wasm
function arrowVocab(t) {
    switch (t.typeId) {
        case Type.Int:
            return `${t.isSigned ? 'int' : 'uint'}${t.bitWidth}`;
        case Type.Utf8:
        case Type.LargeUtf8:
            return 'string';
        case Type.Binary:
        case Type.LargeBinary:
            return 'binary';
        case Type.Bool:
            return 'bool';
        case Type.Timestamp:
            // TimeUnit.MICROSECOND == 2
            if (t.unit === 2 && (t.timezone === 'UTC' || t.timezone === '+00:00')) return 'timestamp_us_utc';
            return `timestamp(${t.unit},${t.timezone})`;
        case Type.List:
        case Type.LargeList:
            return `list<${arrowVocab(t.children[0].type)}>`;
        default:
            return `arrow(${String(t)})`;
    }
}

function isNull(d, i) {
    if (!d.nullBitmap || d.nullBitmap.length === 0 || d.nullCount === 0) return false;
    const j = d.offset + i;
    return ((d.nullBitmap[j >> 3] >> (j & 7)) & 1) === 0;
}

// Reads element i of one arrow Data chunk straight from its buffers (so that
// timestamps keep their exact integer microseconds).
function arrowValue(d, i) {
    if (isNull(d, i)) return null;
    const j = d.offset + i;
    switch (d.type.typeId) {
        case Type.Int:
        case Type.Timestamp:
            return norm(d.values[j]);
        case Type.Bool:
            return ((d.values[j >> 3] >> (j & 7)) & 1) === 1;
        case Type.Utf8:
        case Type.LargeUtf8: {
            const a = Number(d.valueOffsets[j]);
            const b = Number(d.valueOffsets[j + 1]);
            try {
                return utf8.decode(d.values.subarray(a, b));
            } catch {
                return { invalid_utf8: hex(d.values.subarray(a, b)) };
            }
        }
        case Type.Binary:
        case Type.LargeBinary: {
            const a = Number(d.valueOffsets[j]);
            const b = Number(d.valueOffsets[j + 1]);
            return hex(d.values.subarray(a, b));
        }
        case Type.List:
        case Type.LargeList: {
            const a = Number(d.valueOffsets[j]);
            const b = Number(d.valueOffsets[j + 1]);
            const child = d.children[0];
            const out = [];
            for (let k = a; k < b; k++) out.push(arrowValue(child, k));
            return out;
        }
        default:
            return { unknown: `arrow type ${String(d.type)}` };
    }
}

export async function readParquetWasm(file) {
    const buf = readFileSync(file);
    const wt = readParquet(new Uint8Array(buf));
    const t = tableFromIPC(wt.intoIPCStream());
    const fields = t.schema.fields;
    const columns = fields.map((f) => ({ name: f.name, type: arrowVocab(f.type), reported: String(f.type) }));
    const rows = [];
    for (const batch of t.batches) {
        const datas = fields.map((_, c) => batch.getChildAt(c).data[0]);
        for (let i = 0; i < batch.numRows; i++) rows.push(datas.map((d) => arrowValue(d, i)));
    }
    return { columns, rows };
}

export async function readWith(reader, file) {
    if (reader === 'duckdb') return readDuckdb(file);
    if (reader === 'hyparquet') return readHyparquet(file);
    if (reader === 'parquet-wasm') return readParquetWasm(file);
    throw new Error(`unknown reader ${reader}`);
}
