/* `customflow summary`: statistics of customflow record files (Parquet,
 * nested or wide layout), per variant: records per device (the paper's
 * Table I), how many records fit in i packets and how many packets' payload
 * fits in j bytes (with percentiles), the time span and the file count. */
#ifndef CF_REPORT_SUMMARY_H
#define CF_REPORT_SUMMARY_H

/*   customflow summary [--sort count|name] [--format text|csv|json|markdown]
 *                      [--packets I] [--payload-bytes J] DIR_OR_FILE...
 *
 * argv[0] is the subcommand's name. Directories are searched recursively
 * for *.parquet; files named directly are read whatever their name. Output
 * goes to stdout, errors to stderr. Returns 0 when every file was
 * summarised, 1 when some file was unreadable or not a customflow record
 * file (named on stderr; the rest are still summarised) or none was found,
 * 2 on usage errors. */
int cf_summary_main(int argc, char **argv);

#endif
