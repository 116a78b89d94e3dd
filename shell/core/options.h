/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A command's option table at work: parsing a command line into struct
 * kd_args for run(), and the spellings that help, the usage line and
 * completion show.  The dispatcher is the only parser of options; commands
 * receive the parsed values.
 */
#ifndef KD_CORE_OPTIONS_H
#define KD_CORE_OPTIONS_H

#include <stddef.h>

#include <kdive/module.h>

/*
 * Parse argv against cmd->options.  vals must have one entry per option
 * (same order as the table).  Options and operands may be mixed; "--" ends
 * options.  On return argv[1..*nargs_ret] are the operands, in order.
 * Unknown options give a KD_ERR_USAGE error.
 */
struct kd_error *kd_parse_options(const struct kd_command *cmd, int argc, char **argv,
				  struct kd_optval *vals, int *nargs_ret);

/*
 * Fill a for running cmd on the words argv[0..argc-1] (argv[0] is the
 * name).  The words are not copied, only the array; a command without an
 * option table gets them all as operands.  On error a needs no deinit.
 */
struct kd_error *kd_args_init(struct kd_args *a, const struct kd_command *cmd, int argc,
			      char *const *argv);
void kd_args_deinit(struct kd_args *a);

/* How many entries cmd's option table has. */
int kd_option_count(const struct kd_command *cmd);
/* The index of the option named name (without dashes), or -1. */
int kd_option_index(const struct kd_command *cmd, const char *name);
/*
 * The option a command-line word names ("-c", "--pgd", "--svg=" with its
 * argument to come), or NULL: it says what the next word is, for completion.
 */
const struct kd_option *kd_option_of_word(const struct kd_command *cmd, const char *word);
/* "-p", "-16" or "--json": how help and completion spell an option. */
void kd_option_label(const struct kd_option *o, char *buf, size_t size);
/*
 * The usage line after the command's name: its synopsis, or one generated
 * from the option table and the operands.  Free it; NULL when out of memory.
 */
char *kd_command_synopsis(const struct kd_command *cmd);

#endif
