// SPDX-License-Identifier: GPL-3.0-or-later
// Option parsing driven by a command's option table (the git parse-options
// idea: one table gives parsing, help and completion).  Single dash takes
// any option name, crash style ("-16", "-p"); one-letter flags group ("-px");
// double dash takes long names ("--json").  Options and operands mix freely.
// The dispatcher parses every command line here and hands run() the result
// (struct kd_args); the usage line and the option spellings that help and
// completion show come from the same table.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/session.h>

#include "options.h"

static int find_option(const struct kd_option *opts, const char *name, size_t len)
{
	for (int i = 0; opts && opts[i].name; i++)
		if (strlen(opts[i].name) == len && strncmp(opts[i].name, name, len) == 0)
			return i;
	return -1;
}

struct kd_error *kd_parse_options(const struct kd_command *cmd, int argc, char **argv,
				  struct kd_optval *vals, int *nargs_ret)
{
	const struct kd_option *opts = cmd->options;
	int nopts = 0;
	while (opts && opts[nopts].name)
		nopts++;
	memset(vals, 0, (size_t)nopts * sizeof(*vals));

	char **operands = calloc((size_t)argc + 1, sizeof(*operands));
	if (!operands)
		return &kd_enomem;
	int nops = 0;
	bool only_operands = false;
	struct kd_error *err = NULL;
	for (int i = 1; i < argc; i++) {
		char *a = argv[i];
		if (only_operands || a[0] != '-' || a[1] == '\0') {
			operands[nops++] = a;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_operands = true;
			continue;
		}
		const char *name = a[1] == '-' ? a + 2 : a + 1;
		const char *eq = a[1] == '-' ? strchr(name, '=') : NULL;
		size_t len = eq ? (size_t)(eq - name) : strlen(name);
		int idx = find_option(opts, name, len);
		if (idx < 0 && a[1] != '-') {
			// Group of one-letter flags: each must be a known flag.
			bool ok = len > 1;
			for (size_t k = 0; ok && k < len; k++) {
				int j = find_option(opts, name + k, 1);
				ok = j >= 0 && opts[j].arg == KD_ARG_NONE;
			}
			if (ok) {
				for (size_t k = 0; k < len; k++)
					vals[find_option(opts, name + k, 1)].count++;
				continue;
			}
			// A negative number is an operand (e.g. rd -d output offsets).
			if (name[0] >= '0' && name[0] <= '9') {
				char *end;
				errno = 0;
				(void)strtoll(a, &end, 0);
				if (!*end) {
					operands[nops++] = a;
					continue;
				}
			}
		}
		if (idx < 0) {
			err = kd_error_create(KD_ERR_USAGE, "unknown option '%s'", a);
			goto out;
		}
		vals[idx].count++;
		if (opts[idx].arg != KD_ARG_NONE) {
			if (eq) {
				vals[idx].arg = eq + 1;
			} else if (i + 1 < argc) {
				vals[idx].arg = argv[++i];
			} else {
				err = kd_error_create(KD_ERR_USAGE, "option '%s' needs an argument (%s)", a,
						      opts[idx].argname ? opts[idx].argname : "value");
				goto out;
			}
		} else if (eq) {
			err = kd_error_create(KD_ERR_USAGE, "option '--%.*s' takes no argument", (int)len,
					      name);
			goto out;
		}
	}
	for (int i = 0; i < nops; i++)
		argv[i + 1] = operands[i];
	argv[nops + 1] = NULL;
	*nargs_ret = nops;
out:
	free(operands);
	return err;
}

int kd_option_count(const struct kd_command *cmd)
{
	int n = 0;
	while (cmd->options && cmd->options[n].name)
		n++;
	return n;
}

int kd_option_index(const struct kd_command *cmd, const char *name)
{
	return find_option(cmd->options, name, strlen(name));
}

const struct kd_option *kd_option_of_word(const struct kd_command *cmd, const char *word)
{
	if (word[0] != '-' || word[1] == '\0')
		return NULL;
	const char *name = word[1] == '-' ? word + 2 : word + 1;
	size_t len = word[1] == '-' ? strcspn(name, "=") : strlen(name);
	int i = find_option(cmd->options, name, len);
	return i < 0 ? NULL : &cmd->options[i];
}

void kd_option_label(const struct kd_option *o, char *buf, size_t size)
{
	bool word = strlen(o->name) > 1 && !(o->name[0] >= '0' && o->name[0] <= '9');
	snprintf(buf, size, "%s%s", word ? "--" : "-", o->name);
}

struct kd_error *kd_args_init(struct kd_args *a, const struct kd_command *cmd, int argc,
			      char *const *argv)
{
	int nopts = kd_option_count(cmd);
	// One allocation: the option values, then the word array (argc + 1).
	size_t vsize = (size_t)(nopts ? nopts : 1) * sizeof(struct kd_optval);
	void *mem = calloc(1, vsize + (size_t)(argc + 1) * sizeof(char *));
	if (!mem)
		return &kd_enomem;
	struct kd_optval *vals = mem;
	char **words = (char **)((char *)mem + vsize);
	memcpy(words, argv, (size_t)argc * sizeof(*words));
	*a = (struct kd_args){ .argc = argc, .argv = words, .opt = vals, .cmd = cmd };
	if (!cmd->options)
		return NULL;
	int nargs;
	struct kd_error *err = kd_parse_options(cmd, argc, words, vals, &nargs);
	if (err) {
		free(mem);
		*a = (struct kd_args){ 0 };
		return err;
	}
	a->argc = nargs + 1;
	return NULL;
}

void kd_args_deinit(struct kd_args *a)
{
	free((void *)a->opt);
	*a = (struct kd_args){ 0 };
}

char *kd_command_synopsis(const struct kd_command *cmd)
{
	if (cmd->synopsis)
		return strdup(cmd->synopsis);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	const char *sep = "";
	for (const struct kd_option *o = cmd->options; o && o->name; o++) {
		char label[64];
		kd_option_label(o, label, sizeof(label));
		if (o->arg == KD_ARG_NONE)
			fprintf(f, "%s[%s]", sep, label);
		else
			fprintf(f, "%s[%s %s]", sep, label, o->argname ? o->argname : "ARG");
		sep = " ";
	}
	if (cmd->operands && *cmd->operands)
		fprintf(f, "%s%s", sep, cmd->operands);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

struct kd_error *kd_parse_u64(const char *str, bool hex_default, uint64_t *ret)
{
	const char *p = str;
	int base = hex_default ? 16 : 10;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	} else if (p[0] == '0' && (p[1] == 'd' || p[1] == 'D')) {
		base = 10;
		p += 2;
	}
	if (!*p || *p == '-' || *p == '+' || *p == ' ')
		return kd_error_create(KD_ERR_USAGE, "invalid number '%s'", str);
	errno = 0;
	char *end;
	unsigned long long v = strtoull(p, &end, base);
	if (*end)
		return kd_error_create(KD_ERR_USAGE, "invalid number '%s'", str);
	if (errno == ERANGE)
		return kd_error_create(KD_ERR_USAGE, "number '%s' is too large", str);
	*ret = v;
	return NULL;
}

struct kd_error *kd_parse_cpus(const char *spec, unsigned ncpus, bool *want)
{
	if (!spec || strcmp(spec, "a") == 0 || strcmp(spec, "all") == 0) {
		for (unsigned c = 0; c < ncpus; c++)
			want[c] = true;
		return NULL;
	}
	for (const char *p = spec; *p;) {
		char *end;
		unsigned long lo = strtoul(p, &end, 10), hi = lo;
		if (end == p)
			return kd_error_create(KD_ERR_USAGE, "bad CPU list '%s'", spec);
		if (*end == '-') {
			p = end + 1;
			hi = strtoul(p, &end, 10);
			if (end == p || hi < lo)
				return kd_error_create(KD_ERR_USAGE, "bad CPU list '%s'", spec);
		}
		if (hi >= ncpus)
			return kd_error_create(KD_ERR_USAGE, "CPU %lu: the dump has %u CPUs", hi, ncpus);
		for (unsigned long c = lo; c <= hi; c++)
			want[c] = true;
		p = end;
		if (*p == ',')
			p++;
		else if (*p)
			return kd_error_create(KD_ERR_USAGE, "bad CPU list '%s'", spec);
	}
	return NULL;
}
