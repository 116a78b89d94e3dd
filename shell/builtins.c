// SPDX-License-Identifier: GPL-3.0-or-later
// Commands that belong to the shell itself: help, alias, source, load,
// unload, modules, set, exit, and the built-in forwards ("help -D", "set
// PID").  They use the same struct kd_command as modules; since a command
// gets only the session, each finds its shell through the session's shell
// pointer (the_shell).
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/options.h"
#include "shell.h"

#define the_shell ((struct kd_shell *)s->shell)

static int cmd_cmp(const void *a, const void *b)
{
	const struct kd_cmd_entry *x = a, *y = b;
	return strcmp(x->cmd->name, y->cmd->name);
}

static void print_indented(struct kd_session *s, const char *p, size_t len)
{
	const char *end = p + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (n)
			kd_printf(s, "  %.*s\n", (int)n, p);
		else
			kd_printf(s, "\n");
		p += n + (nl ? 1 : 0);
	}
}

// crash's help layout: NAME, SYNOPSIS, DESCRIPTION, OPTIONS, EXAMPLES.  In a
// command's help text, a line "EXAMPLES" starts the examples.
static void print_help_page(struct kd_session *s, const struct kd_command *cmd)
{
	kd_printf(s, "NAME\n  %s - %s\n\n", cmd->name, cmd->summary ? cmd->summary : "");
	char *synopsis = kd_command_synopsis(cmd);
	kd_printf(s, "SYNOPSIS\n  %s %s\n\n", cmd->name, synopsis ? synopsis : "");
	free(synopsis);
	const char *help = cmd->help ? cmd->help : "";
	const char *ex = strncmp(help, "EXAMPLES\n", 9) == 0 ? help : strstr(help, "\nEXAMPLES\n");
	size_t desc_len = ex ? (size_t)(ex - help) : strlen(help);
	while (desc_len && help[desc_len - 1] == '\n')
		desc_len--;
	if (desc_len) {
		kd_printf(s, "DESCRIPTION\n");
		print_indented(s, help, desc_len);
		kd_printf(s, "\n");
	}
	bool any = cmd->options && cmd->options[0].name;
	if (any)
		kd_printf(s, "OPTIONS\n");
	for (const struct kd_option *o = cmd->options; o && o->name; o++) {
		char label[64], left[128];
		kd_option_label(o, label, sizeof(label));
		snprintf(left, sizeof(left), "%s%s%s", label, o->arg != KD_ARG_NONE ? " " : "",
			 o->arg != KD_ARG_NONE ? (o->argname ? o->argname : "ARG") : "");
		// Two spaces at least between the columns (man/mkman splits there).
		if (strlen(left) >= 20)
			kd_printf(s, "  %s  %s\n", left, o->help ? o->help : "");
		else
			kd_printf(s, "  %-20s %s\n", left, o->help ? o->help : "");
	}
	if (any)
		kd_printf(s, "\n");
	if (ex) {
		ex += ex[0] == '\n' ? 10 : 9;
		kd_printf(s, "EXAMPLES\n");
		print_indented(s, ex, strlen(ex));
	}
}

// -D never reaches help_run: "help -D" forwards to dumpinfo (below).
static const struct kd_option help_opts[] = {
	{ "D", KD_ARG_NONE, NULL, "dump file information (same as 'dumpinfo')" },
	{ "a", KD_ARG_NONE, NULL, "every command's page, in name order (kdive --help-all)" },
	{ NULL },
};
enum { HELP_OPT_D, HELP_OPT_A };

const char *kd_builtin_forward(struct kd_shell *sh, int argc, char *const *argv, int *drop_ret)
{
	*drop_ret = 0;
	if (strcmp(argv[0], "help") == 0) {
		for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
			if (strcmp(argv[i], "-D") == 0) {
				*drop_ret = i;
				return "dumpinfo";
			}
		return NULL;
	}
	// crash's "set PID | TASK | -c CPU" is the task context, which the ps
	// module's "context" command owns; set alone shows it.  Without that
	// module, set has only the shell's settings.
	if (strcmp(argv[0], "set") == 0 && !(argc > 1 && strcmp(argv[1], "scroll") == 0) &&
	    kd_shell_find(sh, "context"))
		return "context";
	return NULL;
}

static struct kd_error *help_run(struct kd_session *s, const struct kd_args *a)
{
	struct kd_shell *sh = the_shell;
	int n = a->argc - 1;
	char **argv = a->argv;
	bool all = a->opt && a->opt[HELP_OPT_A].count;
	if (all && n)
		return kd_error_create(KD_ERR_USAGE, "-a takes no command names");
	if (n == 0) {
		kd_shell_load_deferred(sh);
		struct kd_cmd_entry *sorted = malloc((size_t)sh->ncmds * sizeof(*sorted));
		if (!sorted)
			return &kd_enomem;
		memcpy(sorted, sh->cmds, (size_t)sh->ncmds * sizeof(*sorted));
		qsort(sorted, (size_t)sh->ncmds, sizeof(*sorted), cmd_cmp);
		for (int i = 0; i < sh->ncmds; i++) {
			if (all) {
				if (i)
					kd_printf(s, "\n");
				print_help_page(s, sorted[i].cmd);
			} else {
				kd_printf(s, "%-12s %s\n", sorted[i].cmd->name,
					  sorted[i].cmd->summary ? sorted[i].cmd->summary : "");
			}
		}
		free(sorted);
		if (all)
			return NULL;
		kd_printf(s, "\nLine syntax: cmd args | shell pipeline, cmd > file, cmd >> file, cmd; cmd,\n"
			     "'quotes', # comments, !shell command.  'help CMD' for one command.\n");
		return NULL;
	}
	for (int i = 1; i <= n; i++) {
		const struct kd_command *cmd = kd_shell_find(sh, argv[i]);
		if (!cmd) {
			const char *exp = kd_alias_lookup(sh, argv[i]);
			if (exp) {
				kd_printf(s, "%s is an alias for '%s'\n", argv[i], exp);
				continue;
			}
			return kd_error_create(KD_ERR_NOTFOUND, "no command named '%s'", argv[i]);
		}
		if (i > 1)
			kd_printf(s, "\n");
		print_help_page(s, cmd);
	}
	return NULL;
}

const char *kd_alias_lookup(struct kd_shell *sh, const char *name)
{
	for (int i = 0; i < sh->naliases; i++)
		if (strcmp(sh->aliases[i].name, name) == 0)
			return sh->aliases[i].expansion;
	return NULL;
}

static struct kd_error *alias_run(struct kd_session *s, const struct kd_args *a)
{
	struct kd_shell *sh = the_shell;
	int argc = a->argc;
	char **argv = a->argv;
	if (argc == 1) {
		for (int i = 0; i < sh->naliases; i++)
			kd_printf(s, "%-12s %s\n", sh->aliases[i].name, sh->aliases[i].expansion);
		return NULL;
	}
	if (argc == 2) {
		const char *exp = kd_alias_lookup(sh, argv[1]);
		if (!exp)
			return kd_error_create(KD_ERR_NOTFOUND, "no alias named '%s'", argv[1]);
		kd_printf(s, "%-12s %s\n", argv[1], exp);
		return NULL;
	}
	if (kd_shell_find(sh, argv[1]))
		return kd_error_create(KD_ERR_USAGE, "'%s' is a command; an alias cannot hide it",
				       argv[1]);
	size_t len = 0;
	for (int i = 2; i < argc; i++)
		len += strlen(argv[i]) + 1;
	char *exp = malloc(len + 1);
	if (!exp)
		return &kd_enomem;
	exp[0] = '\0';
	for (int i = 2; i < argc; i++) {
		if (i > 2)
			strcat(exp, " ");
		strcat(exp, argv[i]);
	}
	for (int i = 0; i < sh->naliases; i++)
		if (strcmp(sh->aliases[i].name, argv[1]) == 0) {
			free(sh->aliases[i].expansion);
			sh->aliases[i].expansion = exp;
			return NULL;
		}
	struct kd_alias *na = realloc(sh->aliases, (size_t)(sh->naliases + 1) * sizeof(*na));
	char *name = strdup(argv[1]);
	if (!na || !name) {
		free(exp);
		free(name);
		if (na)
			sh->aliases = na;
		return &kd_enomem;
	}
	sh->aliases = na;
	sh->aliases[sh->naliases++] = (struct kd_alias){ name, exp };
	return NULL;
}

static struct kd_error *unalias_run(struct kd_session *s, const struct kd_args *a)
{
	struct kd_shell *sh = the_shell;
	char **argv = a->argv;
	if (a->argc != 2)
		return kd_error_create(KD_ERR_USAGE, "expected one alias name");
	for (int i = 0; i < sh->naliases; i++)
		if (strcmp(sh->aliases[i].name, argv[1]) == 0) {
			free(sh->aliases[i].name);
			free(sh->aliases[i].expansion);
			sh->aliases[i] = sh->aliases[--sh->naliases];
			return NULL;
		}
	return kd_error_create(KD_ERR_NOTFOUND, "no alias named '%s'", argv[1]);
}

static struct kd_error *source_run(struct kd_session *s, const struct kd_args *a)
{
	if (a->argc != 2)
		return kd_error_create(KD_ERR_USAGE, "expected one file name");
	// A file that cannot be read is this command's own error.
	if (strcmp(a->argv[1], "-") != 0 && access(a->argv[1], R_OK) != 0)
		return kd_error_os(errno, "cannot open '%s'", a->argv[1]);
	fflush(kd_out(s));
	// Each failure was reported with its line; this is the summary (not a
	// usage error: no usage line).
	if (!kd_shell_run_file(the_shell, a->argv[1], false))
		return kd_error_create(KD_ERR_NOTFOUND, "'%s': a command failed", a->argv[1]);
	return NULL;
}

static struct kd_error *load_run(struct kd_session *s, const struct kd_args *a)
{
	if (a->argc < 2)
		return kd_error_create(KD_ERR_USAGE, "expected a module file");
	kd_shell_load_deferred(the_shell); // a name clash is found as when all are open
	for (int i = 1; i < a->argc; i++) {
		struct kd_error *err = kd_module_load(the_shell, a->argv[i]);
		if (err)
			return err;
		kd_printf(s, "loaded %s (%s)\n", the_shell->mods[the_shell->nmods - 1]->mod->name,
			  a->argv[i]);
	}
	return NULL;
}

static struct kd_error *unload_run(struct kd_session *s, const struct kd_args *a)
{
	if (a->argc < 2)
		return kd_error_create(KD_ERR_USAGE, "expected a module name");
	kd_shell_load_deferred(the_shell);
	for (int i = 1; i < a->argc; i++) {
		struct kd_error *err = kd_module_unload(the_shell, a->argv[i]);
		if (err)
			return err;
	}
	return NULL;
}

static struct kd_error *modules_run(struct kd_session *s, const struct kd_args *a)
{
	struct kd_shell *sh = the_shell;
	kd_shell_load_deferred(sh);
	if (kd_json_mode(s)) {
		kd_json_begin_array(s, NULL);
		for (int i = 0; i < sh->nmods; i++) {
			const struct kd_module *m = sh->mods[i]->mod;
			kd_json_begin_object(s, NULL);
			kd_json_string(s, "name", m->name);
			kd_json_string(s, "version", m->version);
			kd_json_string(s, "path", sh->mods[i]->path);
			kd_json_begin_array(s, "commands");
			for (const struct kd_command *c = m->commands; c->name; c++)
				kd_json_string(s, NULL, c->name);
			kd_json_end_array(s);
			kd_json_end_object(s);
		}
		kd_json_end_array(s);
		return NULL;
	}
	kd_printf(s, "%-12s %-8s %-24s %s\n", "MODULE", "VERSION", "COMMANDS", "FILE");
	for (int i = 0; i < sh->nmods; i++) {
		const struct kd_module *m = sh->mods[i]->mod;
		char cmds[256] = "";
		for (const struct kd_command *c = m->commands; c->name; c++) {
			if (cmds[0])
				strncat(cmds, ",", sizeof(cmds) - strlen(cmds) - 1);
			strncat(cmds, c->name, sizeof(cmds) - strlen(cmds) - 1);
		}
		kd_printf(s, "%-12s %-8s %-24s %s\n", m->name, m->version ? m->version : "-", cmds,
			  sh->mods[i]->path);
	}
	return NULL;
}

// set PID, TASK or -c CPU forward to context (kd_builtin_forward); what
// reaches here is the shell's own settings.
static struct kd_error *set_run(struct kd_session *s, const struct kd_args *a)
{
	struct kd_shell *sh = the_shell;
	int argc = a->argc;
	char **argv = a->argv;
	if (argc == 1) {
		kd_printf(s, "scroll: %s\n", sh->scroll ? "on" : "off");
		return NULL;
	}
	if (strcmp(argv[1], "scroll") == 0) {
		if (argc == 2) {
			kd_printf(s, "scroll: %s\n", sh->scroll ? "on" : "off");
			return NULL;
		}
		if (strcmp(argv[2], "on") == 0)
			sh->scroll = true;
		else if (strcmp(argv[2], "off") == 0)
			sh->scroll = false;
		else
			return kd_error_create(KD_ERR_USAGE, "scroll: expected on or off, not '%s'", argv[2]);
		return NULL;
	}
	return kd_error_create(KD_ERR_USAGE, "unknown setting '%s'", argv[1]);
}

static struct kd_error *exit_run(struct kd_session *s, const struct kd_args *a)
{
	the_shell->exit_requested = true;
	return NULL;
}

static const struct kd_option json_opts[] = {
	KD_OPTION_JSON,
	{ NULL },
};

static const struct kd_command builtins[] = {
	{ .name = "help", .summary = "show the commands, or one command's manual page",
	  .operands = "[command...]",
	  .help = "With no argument, list every command with its summary.  With command\n"
		  "names, print each one's page: synopsis, description, options, examples.\n"
		  "With -a, print every command's page (the COMMANDS section of kdive(1)\n"
		  "is made from it).\n\n"
		  "EXAMPLES\n  kdive> help rd\n  kdive> help -D\n  kdive> help -a | less",
	  .options = help_opts, .operand = KD_ARG_STRING, .run = help_run },
	{ .name = "alias", .summary = "define or list command aliases",
	  .operands = "[name [command args...]]",
	  .help = "alias NAME TEXT makes NAME run TEXT followed by NAME's arguments.\n\n"
		  "EXAMPLES\n  kdive> alias rp rd -p\n  kdive> rp 0x1000 4",
	  .operand = KD_ARG_STRING, .run = alias_run },
	{ .name = "unalias", .summary = "remove an alias", .operands = "name",
	  .operand = KD_ARG_STRING, .run = unalias_run },
	{ .name = "source", .summary = "run the commands in a file", .operands = "file",
	  .help = "Each line of the file is run as if typed.\n\nEXAMPLES\n  kdive> source triage.kd",
	  .operand = KD_ARG_FILE, .flags = KD_CMD_NO_PAGER, .run = source_run },
	{ .name = "load", .summary = "load a command module", .operands = "file.so...",
	  .help = "EXAMPLES\n  kdive> load ./mymod.so",
	  .operand = KD_ARG_FILE, .flags = KD_CMD_NO_PAGER, .run = load_run },
	{ .name = "unload", .summary = "unload a command module", .operands = "module...",
	  .operand = KD_ARG_STRING, .flags = KD_CMD_NO_PAGER, .run = unload_run },
	{ .name = "modules", .summary = "list the loaded command modules", .options = json_opts,
	  .operand = KD_ARG_NONE, .run = modules_run },
	{ .name = "set", .summary = "set the task context, or shell settings",
	  .synopsis = "[pid | task | -c cpu] | scroll [on|off]",
	  .help = "set PID, set TASK or set -c CPU sets the current task context (see\n"
		  "'help context'); set alone shows it.  set scroll off turns the pager off.\n\n"
		  "EXAMPLES\n  kdive> set 1\n  kdive> set scroll off",
	  .options = json_opts, .operand = KD_ARG_PID, .flags = KD_CMD_NO_PAGER, .run = set_run },
	{ .name = "exit", .summary = "leave kdive", .flags = KD_CMD_NO_PAGER, .run = exit_run },
	{ .name = "quit", .summary = "leave kdive", .flags = KD_CMD_NO_PAGER, .run = exit_run },
	{ .name = "q", .summary = "leave kdive", .flags = KD_CMD_NO_PAGER, .run = exit_run },
	{ NULL },
};

void kd_builtins_register(struct kd_shell *sh)
{
	sh->s->shell = sh;
	for (const struct kd_command *c = builtins; c->name; c++) {
		struct kd_error *err = kd_shell_register(sh, c, NULL);
		if (err) {
			fprintf(stderr, "kdive: %s\n", err->msg);
			kd_error_destroy(err);
		}
	}
	kd_foreach_register(sh);
}

// kdive --help-all: every command's page, with no dump opened (not even the
// live /proc/kcore), for the man page generator (man/mkman) and for readers
// without a dump at hand.  The modules are the ones this kdive loads.
int kd_shell_help_all(void)
{
	struct kd_session *s = kd_session_create_empty();
	if (!s) {
		fprintf(stderr, "kdive: out of memory\n");
		return 1;
	}
	struct kd_shell sh;
	kd_shell_init(&sh, s);
	kd_module_load_default(&sh);
	bool ok = kd_shell_run_line(&sh, "help -a");
	kd_shell_deinit(&sh);
	fflush(stdout);
	kd_session_destroy(s);
	return ok ? 0 : 1;
}
