// SPDX-License-Identifier: GPL-3.0-or-later
// kdive: a kernel post-mortem debugger shell.  Command line (crash's order
// too: a vmlinux or System.map beside the dump, told apart by their first
// bytes), start-up files, batch and interactive modes.
#include <errno.h>
#include <fcntl.h>
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
		"usage: kdive [options] [VMLINUX | SYSTEM.MAP] [DUMP [PART...]]\n"
		"\n"
		"Open a Linux kernel memory dump (ELF vmcore, QEMU dump-guest-memory,\n"
		"kdump-compressed, flattened, /proc/kcore) and run commands on it,\n"
		"interactively or in batch.  The parts of a makedumpfile --split dump\n"
		"are given together.  Without a dump, the live /proc/kcore is opened\n"
		"when it is readable.  As in crash, a vmlinux (an ELF executable) or a\n"
		"System.map may be given before or after the dump: it is taken as\n"
		"--vmlinux or --system-map, and refused if it is not the dump's build.\n"
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

enum arg_kind { ARG_DUMP, ARG_VMLINUX, ARG_SYSTEM_MAP, ARG_VMLINUZ };

/*
 * What a file on the command line is, from its first bytes: an ELF
 * executable (ET_EXEC) is a vmlinux (a vmcore and /proc/kcore are ET_CORE;
 * anything else is refused by the dump's open), "ADDRESS TYPE NAME" text is a System.map, an x86 boot image
 * ("HdrS" at 0x202) a vmlinuz given by mistake; anything else (or an
 * unreadable file, which the dump's open then reports) is a dump.
 */
static enum arg_kind classify(const char *path)
{
	unsigned char b[0x210];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ARG_DUMP;
	ssize_t n = read(fd, b, sizeof(b) - 1);
	close(fd);
	if (n < 0)
		return ARG_DUMP;
	if (n >= 18 && memcmp(b, "\177ELF", 4) == 0) {
		// e_type, in the byte order EI_DATA (byte 5) says
		unsigned type = b[5] == 2 ? (unsigned)b[16] << 8 | b[17] : (unsigned)b[17] << 8 | b[16];
		return type == 2 ? ARG_VMLINUX : ARG_DUMP; // ET_EXEC: a kernel is never PIE
	}
	if (n >= 0x206 && memcmp(b + 0x202, "HdrS", 4) == 0)
		return ARG_VMLINUZ;
	b[n] = '\0';
	size_t hex = strspn((const char *)b, "0123456789abcdefABCDEF");
	if (hex >= 8 && hex <= 16 && b[hex] == ' ' && b[hex + 1] > ' ' && b[hex + 2] == ' ' &&
	    b[hex + 3] > ' ')
		return ARG_SYSTEM_MAP;
	return ARG_DUMP;
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
	opterr = 0; // kdive's own messages, in its style
	while ((c = getopt_long(argc, argv, "+:c:i:enshV", longopts, NULL)) != -1) {
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
		default: {
			// a long option as written (up to '='), a short one by its letter
			const char *word = argv[optind - 1];
			char shortopt[3] = { '-', (char)optopt, '\0' };
			bool is_long = strncmp(word, "--", 2) == 0;
			int len = is_long ? (int)strcspn(word, "=") : 2;
			const char *opt = is_long ? word : shortopt;
			if (c == ':')
				fprintf(stderr, "kdive: option '%.*s' needs an argument\n", len, opt);
			else if (is_long && optopt && word[len] == '=')
				fprintf(stderr, "kdive: option '%.*s' takes no argument\n", len, opt);
			else
				fprintf(stderr, "kdive: unknown option '%.*s'\n", len, opt);
			fprintf(stderr, "usage: kdive [options] [VMLINUX | SYSTEM.MAP] [DUMP [PART...]] (see kdive --help)\n");
			return 1;
		}
		}
	}
	signal(SIGPIPE, SIG_IGN); // a closed pipe is an EPIPE write error, handled per command
	kd_shell_install_fault_handlers();

	// crash's order: "kdive vmlinux vmcore", "kdive vmcore System.map"...
	const char **dumps = calloc((size_t)(argc - optind) + 1, sizeof(*dumps));
	size_t ndumps = 0;
	if (!dumps) {
		fprintf(stderr, "kdive: out of memory\n");
		return 1;
	}
	for (int i = optind; i < argc; i++) {
		enum arg_kind kind = classify(argv[i]);
		if (kind == ARG_VMLINUZ) {
			fprintf(stderr, "kdive: '%s' is a compressed kernel image (vmlinuz), not a vmlinux or a dump: "
				"give the dump alone, or with the debug vmlinux (e.g. from linux-image-*-dbg)\n",
				argv[i]);
			free(dumps);
			return 1;
		}
		const char **slot = kind == ARG_VMLINUX ? &opts.vmlinux : kind == ARG_SYSTEM_MAP ? &opts.system_map : NULL;
		if (!slot) {
			dumps[ndumps++] = argv[i];
		} else if (*slot) {
			fprintf(stderr, "kdive: two %s files: '%s' and '%s' (give one)\n",
				kind == ARG_VMLINUX ? "vmlinux" : "System.map", *slot, argv[i]);
			free(dumps);
			return 1;
		} else {
			*slot = argv[i];
		}
	}

	struct kd_session *s = NULL;
	const char *no_dump_why = NULL;
	int kcore = ndumps ? 0 : access("/proc/kcore", R_OK), kcore_errno = errno;
	struct kd_error *open_err = ndumps ? kd_session_create_multi(dumps, ndumps, &opts, &s) : NULL;
	free(dumps);
	if (open_err) {
		fprintf(stderr, "kdive: %s\n", open_err->msg);
		kd_error_destroy(open_err);
		return 1;
	} else if (ndumps) {
		// the dump is open
	} else if (kcore == 0) {
		// No dump: the running kernel, when we may read it.
		struct kd_error *err = kd_session_create("/proc/kcore", &opts, &s);
		if (err) {
			fprintf(stderr, "kdive: no dump given, and the live kernel's /proc/kcore cannot be opened: %s\n",
				err->msg);
			kd_error_destroy(err);
			s = NULL;
			no_dump_why = "no dump given, and /proc/kcore cannot be opened";
		}
	} else if (kcore_errno == ENOENT) {
		no_dump_why = "no dump given, and this machine has no /proc/kcore to read the live kernel from";
	} else {
		no_dump_why = "no dump given, and reading the live kernel's /proc/kcore needs root (CAP_SYS_RAWIO)";
	}
	if (!s && (opts.vmlinux || opts.system_map)) {
		// crash accepts "crash vmlinux" for the live system; without one, say why.
		fprintf(stderr, "kdive: %s ('%s' is the %s, not a dump)\n", no_dump_why ? no_dump_why : "no dump is open",
			opts.vmlinux ? opts.vmlinux : opts.system_map, opts.vmlinux ? "vmlinux" : "System.map");
		return 1;
	}
	if (!s) {
		s = kd_session_create_empty();
		if (!s) {
			fprintf(stderr, "kdive: out of memory\n");
			return 1;
		}
	}

	struct kd_shell sh;
	kd_shell_init(&sh, s);
	sh.no_dump_why = no_dump_why;
	bool batch = cmds || script || !isatty(STDIN_FILENO);
	sh.interactive = !batch;
	sh.stop_on_error = stop_on_error;
	sh.no_cache = opts.no_cache;
	kd_module_load_default(&sh);

	if (batch) {
		struct sigaction sa = { .sa_handler = on_sigint_batch };
		sigemptyset(&sa.sa_mask);
		sigaction(SIGINT, &sa, NULL);
		s->interrupted = &batch_interrupted;
	}
	if (!s->core && !(cmds || script) && sh.interactive)
		fprintf(stderr, "kdive: %s; only shell commands work (usage: kdive [options] DUMP)\n",
			no_dump_why ? no_dump_why : "no dump is open");

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
