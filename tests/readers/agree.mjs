#!/usr/bin/env node
// Usage: node agree.mjs FILE...
// Reads each Parquet file with all three independent readers and checks that
// they agree: same column names and types, same row count, same values in
// every row. Used on customflow's own outputs, whose expected values are
// checked elsewhere (tests/e2e/semantics.sh); here the point is that every
// reader reads every file, whole, the same way.
// Prints "OK N_ROWS FILE" or "MISMATCH FILE: what" per file; exit 1 if any.
import { READERS, readWith } from './readers.mjs';

let bad = 0;
for (const file of process.argv.slice(2)) {
    const views = {};
    let err = null;
    for (const r of READERS) {
        try {
            views[r] = await readWith(r, file);
        } catch (e) {
            err = `${r} cannot read it: ${e.message}`;
            break;
        }
    }
    if (!err) {
        const ref = views[READERS[0]];
        const refCols = JSON.stringify(ref.columns.map((c) => [c.name, c.type]));
        const refRows = ref.rows.map((row) => JSON.stringify(row));
        for (const r of READERS.slice(1)) {
            const v = views[r];
            if (JSON.stringify(v.columns.map((c) => [c.name, c.type])) !== refCols) {
                err = `${r} schema ${JSON.stringify(v.columns.map((c) => [c.name, c.type]))} != ${READERS[0]} ${refCols}`;
                break;
            }
            if (v.rows.length !== ref.rows.length) {
                err = `${r} has ${v.rows.length} rows, ${READERS[0]} ${ref.rows.length}`;
                break;
            }
            const i = v.rows.findIndex((row, k) => JSON.stringify(row) !== refRows[k]);
            if (i >= 0) {
                err = `row ${i}: ${r} ${JSON.stringify(v.rows[i]).slice(0, 300)} != ${READERS[0]} ${refRows[i].slice(0, 300)}`;
                break;
            }
        }
    }
    if (err) {
        bad++;
        console.log(`MISMATCH ${file}: ${err}`);
    } else {
        console.log(`OK ${views[READERS[0]].rows.length} ${file}`);
    }
}
process.exit(bad ? 1 : 0);
