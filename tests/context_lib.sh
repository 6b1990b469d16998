# Sourced by the tests of --context across files (e2e/context_files.sh,
# e2e/live.sh) after e2e/common.sh: DuckDB checks of context_rows/context_files
# over every file of a variant directory.

# the records of every file under DIR (a variant directory), with the file
# relative to DIR, and the table of their (file, row) references.
tables() {
    local dir=$1
    echo "CREATE TABLE t AS SELECT substr(filename, $((${#dir} + 2))) AS file,
              file_row_number AS row, device, epoch_us(first_seen) AS fs,
              concat_ws('|', device, epoch_us(first_seen), remote_ip, protocol, device_port,
                        remote_port, total_bytes, total_packets) AS k,
              context_rows, context_files
          FROM read_parquet('$dir/**/*.parquet', filename = true, file_row_number = true);
          CREATE TABLE r AS SELECT file, row, unnest(range(1, len(context_rows) + 1)) AS i,
              unnest(context_rows) AS rrow, unnest(context_files) AS rfile FROM t;
          UPDATE r SET rfile = file WHERE rfile = '';"
}

# refs_check K DIR: on one variant directory written with --context K,
# every (file, row) reference resolves to a record of the same device with
# an earlier or equal first_seen, some cross files, and the references are
# exactly the device's previous K records in (first_seen, file, row)
# order, so none of the device's records lies between.
refs_check() {
    local K=$1 dir=$2 got bad unres cross total
    got=$(q "$(tables "$dir")" \
        "SELECT count(*) FILTER (WHERE p.file IS NULL),
                count(*) FILTER (WHERE p.device <> me.device OR p.fs > me.fs),
                count(*) FILTER (WHERE r.rfile <> r.file), count(*)
         FROM r JOIN t me ON me.file = r.file AND me.row = r.row
         LEFT JOIN t p ON p.file = r.rfile AND p.row = r.rrow")
    read -r unres bad cross total <<<"$got"
    check "$dir: every reference resolves ($unres of $total do not)" test "$unres" = 0
    check "$dir: references are earlier-or-equal records of the same device ($bad bad)" test "$bad" = 0
    check "$dir: some references cross files ($cross of $total)" test "${cross:-0}" -gt 0
    # the device's previous K records in (first_seen, file, row) order
    got=$(q "$(tables "$dir")" \
        "WITH e AS (SELECT file, row, coalesce(list(file || '#' || row) OVER (PARTITION BY device
                        ORDER BY fs, file, row ROWS BETWEEN $K PRECEDING AND 1 PRECEDING), []) AS want
                    FROM t),
              a AS (SELECT t.file, t.row, coalesce(list(r.rfile || '#' || r.rrow ORDER BY r.i)
                        FILTER (WHERE r.i IS NOT NULL), []) AS got
                    FROM t LEFT JOIN r ON r.file = t.file AND r.row = t.row GROUP BY ALL)
         SELECT count(*) FILTER (WHERE want <> got), count(*) FROM e JOIN a USING (file, row)")
    read -r bad total <<<"$got"
    check "$dir: references are the device's previous $K records, none between ($bad of $total wrong)" \
        test "$bad" = 0
}

