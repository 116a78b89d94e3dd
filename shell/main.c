// SPDX-License-Identifier: GPL-3.0-or-later
// kdive: a kernel post-mortem debugger shell.  Command line, start-up files,
// batch and interactive modes.
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "shell.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: kdive [options] [DUMP [PART...]]\n"
		"\n"
		"Open a Linux kernel memory dump (ELF vmcore, QEMU dump-guest-memory,\n"
		"kdump-compressed, flattened, /proc/kcore) and run commands on it,\n"
		"interactively or in batch.  The parts of a makedumpfile --split dump\n"
		"are given together.  Without a dump, the live /proc/kcore is opened\n"
		"when it is readable.\n"
		"\n"
		"  -c 'CMD; CMD'        run these commands and exit\n"
		"  -i FILE              run the commands in FILE and exit ('-' for stdin)\n"
		"  -e                   stop at the first failing command (batch)\n"
		"  -n                   do not read ~/.kdiverc and ./.kdiverc\n"
		"  -s                   silent: no banner in the interactive shell\n"
		"  --vmcoreinfo FILE    use this VMCOREINFO instead of the dump's\n"
		"  --system-map FILE    add the symbols of this System.map (checked against the dump)\n"
		"  --vmlinux FILE       add the symbols and types of this vmlinux (checked)\n"
		"  --btf FILE           take types from this BTF file (raw, or an ELF with .BTF)\n"
		"  --types SOURCE       auto (default: the dump's BTF, else the vmlinux's .BTF,\n"
		"                       else its DWARF), btf, or dwarf (the DWARF of --vmlinux)\n"
		"  --no-cache           neither use nor write the per-build index cache\n"
		"                       ($XDG_CACHE_HOME/kdive/index, default ~/.cache/kdive/index)\n"
		"  -h, --help           this help\n"
		"  --help-all           every command's manual page (help -a), no dump opened\n"
		"  -V, --version        print the version\n"
		"\n"
		"Commands on standard input run in batch when it is not a terminal.\n"
		"Exit status: 0 when every command succeeded, 1 otherwise.\n");
}

static volatile sig_atomic_t batch_interrupted;

static void on_sigint_batch(int sig)
{
	(void)sig;
	kd_shell_sigint(&batch_interrupted);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "vmcoreinfo", required_argument, NULL, 'I' },
		{ "system-map", required_argument, NULL, 'M' },
		{ "vmlinux", required_argument, NULL, 'L' },
		{ "btf", required_argument, NULL, 'B' },
		{ "types", required_argument, NULL, 'T' },
		{ "no-cache", no_argument, NULL, 'N' },
		{ "help-all", no_argument, NULL, 'A' }, // every command's page (man/mkman)
		{ NULL, 0, NULL, 0 },
	};
	const char *cmds = NULL, *script = NULL;
	struct kd_session_opts opts = { 0 };
	bool stop_on_error = false, no_rc = false, silent = false;
	int c;
	while ((c = getopt_long(argc, argv, "+c:i:enshV", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': cmds = optarg; break;
		case 'i': script = optarg; break;
		case 'e': stop_on_error = true; break;
		case 'n': no_rc = true; break;
		case 's': silent = true; break;
		case 'I': opts.vmcoreinfo = optarg; break;
		case 'M': opts.system_map = optarg; break;
		case 'L': opts.vmlinux = optarg; break;
		case 'B': opts.btf = optarg; break;
		case 'T': opts.types = optarg; break;
		case 'N': opts.no_cache = true; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("kdive %s\n", PACKAGE_VERSION); return 0;
		case 'A': return kd_shell_help_all();
		default: usage(stderr); return 1;
		}
	}
	signal(SIGPIPE, SIG_IGN); // a closed pipe is an EPIPE write error, handled per command
	kd_shell_install_fault_handlers();

	struct kd_session *s = NULL;
	if (optind < argc) {
		struct kd_error *err = kd_session_create_multi((const char *const *)argv + optind,
							       (size_t)(argc - optind), &opts, &s);
		if (err) {
			fprintf(stderr, "kdive: %s\n", err->msg);
			kd_error_destroy(err);
			return 1;
		}
	} else if (access("/proc/kcore", R_OK) == 0) {
		// No dump: the running kernel, when we may read it.
		struct kd_error *err = kd_session_create("/proc/kcore", &opts, &s);
		if (err) {
			fprintf(stderr, "kdive: no dump given and /proc/kcore cannot be opened: %s\n", err->msg);
			kd_error_destroy(err);
			s = NULL;
		}
	}
	if (!s && optind >= argc && !(cmds || script) && isatty(STDIN_FILENO) && access("/proc/kcore", F_OK) == 0 &&
	    access("/proc/kcore", R_OK) != 0)
		fprintf(stderr, "kdive: no dump given; reading the live kernel (/proc/kcore) needs root (CAP_SYS_RAWIO)\n");
	if (!s) {
		s = kd_session_create_empty();
		if (!s) {
			fprintf(stderr, "kdive: out of memory\n");
			return 1;
		}
	}

	struct kd_shell sh;
	kd_shell_init(&sh, s);
	bool batch = cmds || script || !isatty(STDIN_FILENO);
	sh.interactive = !batch;
	sh.stop_on_error = stop_on_error;
	kd_module_load_default(&sh);

	if (batch) {
		struct sigaction sa = { .sa_handler = on_sigint_batch };
		sigemptyset(&sa.sa_mask);
		sigaction(SIGINT, &sa, NULL);
		s->interrupted = &batch_interrupted;
	}
	if (!s->core && !(cmds || script) && sh.interactive)
		fprintf(stderr, "kdive: no dump given; only shell commands work (see 'kdive --help')\n");

	if (!no_rc) {
		const char *home = getenv("HOME");
		char *rc = NULL;
		if (home && asprintf(&rc, "%s/.kdiverc", home) >= 0) {
			kd_shell_run_file(&sh, rc, true);
			free(rc);
		}
		if (!home || strcmp(home, ".") != 0)
			kd_shell_run_file(&sh, ".kdiverc", true);
	}

	if (cmds)
		kd_shell_run_line(&sh, cmds);
	if (script && !sh.exit_requested && !(stop_on_error && sh.failures))
		kd_shell_run_file(&sh, script, false);
	if (!cmds && !script) {
		if (sh.interactive) {
			if (!silent && s->core && kd_shell_find(&sh, "sys"))
				kd_shell_run_line(&sh, "sys");
			kd_repl(&sh);
		} else {
			kd_shell_run_file(&sh, "-", false);
		}
	}
	// Batch runs report failures in the exit status; an interactive session
	// has shown its errors already and ends normally.
	int status = sh.failures && !sh.interactive ? 1 : 0;
	kd_shell_deinit(&sh);
	fflush(stdout);
	kd_session_destroy(s);
	return status;
}
