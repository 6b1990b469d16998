// query.mjs SQL...: runs each SQL statement in DuckDB and prints the rows of
// the last one, one per line, columns separated by a tab. Values are
// printed as DuckDB's SQL casts to VARCHAR print them, so tests can write
// the expected rows as plain text (lists as [1, 2], blobs as \xAB escapes).
import { DuckDBInstance } from '@duckdb/node-api';

const sqls = process.argv.slice(2);
if (sqls.length === 0) {
  console.error('usage: node query.mjs SQL...');
  process.exit(2);
}
const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
// No progress bar: on a loaded machine it would write to the tests' stdout.
await con.run('SET enable_progress_bar = false');
let reader;
try {
  for (const sql of sqls) reader = await con.runAndReadAll(sql);
} catch (e) {
  console.error(`query.mjs: ${e.message}`);
  process.exit(1);
}
const names = reader.columnNames();
const proj = names.map((n) => `CAST("${n.replaceAll('"', '""')}" AS VARCHAR)`).join(', ');
// Re-run the last statement as a subquery cast to text, for stable output.
const text = await con.runAndReadAll(`SELECT ${proj} FROM (${sqls[sqls.length - 1]})`);
for (const row of text.getRows()) {
  console.log(row.map((v) => (v === null ? 'NULL' : v)).join('\t'));
}
