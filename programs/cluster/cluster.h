/* `customflow plan` and `customflow task`: a conversion split into
 * independent tasks that a cluster (Slurm array, GNU parallel) runs on
 * many machines; README "Converting on a cluster". */
#ifndef CF_CLUSTER_H
#define CF_CLUSTER_H

/* argv[0] is the subcommand's name. Exit status as documented in --help. */
int plan_main(int argc, char **argv);
int task_main(int argc, char **argv);

#endif
