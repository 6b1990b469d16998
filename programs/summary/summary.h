/* `customflow summary`: statistics of customflow record files, read
 * through the public reader (cf_reader_*), per variant: records per device
 * (the paper's Table I), how many records fit in i packets and how many
 * packets' payload fits in j bytes (with percentiles), the time span and
 * the files read; the distributions as CSV (--cdf) and figures (--plot).
 *
 * Safe by default: a capture converted twice (same input identity in the
 * files' metadata) is counted once, with a warning naming both files; files
 * made with different settings (lifetime, layout, -n, -b, filter) are not
 * mixed in one table unless --force. See README "customflow summary". */
#ifndef CF_SUMMARY_SUMMARY_H
#define CF_SUMMARY_SUMMARY_H

/* argv[0] is the subcommand's name. Output goes to stdout, messages to
 * stderr. Returns 0 when every file was summarised, 1 when a file was
 * unreadable (named; the rest are still summarised), none was found, the
 * files could not be mixed (without --force) or a figure failed, 2 on
 * usage errors. */
int summary_main(int argc, char **argv);

#endif
